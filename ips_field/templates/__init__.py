"""Packaged YAML templates and their loader (see docs/templates.md)."""

from ips_field.templates.loader import PACKAGE_DIR, load_templates
from ips_field.templates.schema import (
    CHECKLIST_SECTIONS,
    PARTIES,
    ChecklistItem,
    LanguageRule,
    MeetingType,
    ServiceProfile,
    Source,
    Templates,
)

__all__ = [
    "CHECKLIST_SECTIONS",
    "PACKAGE_DIR",
    "PARTIES",
    "ChecklistItem",
    "LanguageRule",
    "MeetingType",
    "ServiceProfile",
    "Source",
    "Templates",
    "load_templates",
]
