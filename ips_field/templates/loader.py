"""Load the packaged YAML templates, then apply a service's override folder.

Packaged files: ``meeting_types.yaml``, ``signposting.yaml``, ``language.yaml`` and one
file per service in ``profiles/``. An override folder has the same layout; any file there
is read the same way and its entries replace packaged entries with the same id (or add
new ones). A broken override file (bad YAML, missing field, wrong type) gives exactly one
:class:`TemplateError` naming file, line and field, and the packaged version is kept, so a
typo in a service's folder never stops a volunteer from working.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from ips_field.domain.vocabulary import CPD_TOPICS
from ips_field.errors import TemplateError
from ips_field.templates.language_loader import language_rules, merge_language, parse_language
from ips_field.templates.nodes import Reader, compose
from ips_field.templates.schema import (
    CHECKLIST_SECTIONS,
    PARTIES,
    PLACEHOLDERS,
    REACH_KEYS,
    ROLES,
    ChecklistItem,
    MeetingType,
    ServiceProfile,
    Source,
    Templates,
)
from ips_field.templates.timelines_loader import TIMELINES, parse_timelines

PACKAGE_DIR = Path(__file__).resolve().parent
MEETING_TYPES = "meeting_types.yaml"
SIGNPOSTING = "signposting.yaml"
LANGUAGE = "language.yaml"
PROFILES = "profiles"
MAX_FILE_BYTES = 1_000_000

T = TypeVar("T")


# --- one parser per file --------------------------------------------------------------


def parse_meeting_types(root: yaml.Node, r: Reader) -> dict[str, MeetingType]:
    top = r.fields(root, "meeting_types", ["meeting_types"])
    entries = r.mapping(top["meeting_types"], "meeting_types")
    if not entries:
        raise r.fail(top["meeting_types"], "meeting_types", "must not be empty")
    out: dict[str, MeetingType] = {}
    for type_id, node in entries.items():
        if not type_id.replace("_", "").isalnum() or not type_id.islower():
            raise r.fail(node, type_id, "is not an id like 'sen_support_review'")
        f = r.fields(node, type_id, ["name", "description", "checklist", "rights"])
        checklist: list[ChecklistItem] = []
        seen: set[str] = set()
        for item_node in r.sequence(f["checklist"], "checklist"):
            item = r.fields(item_node, "checklist", ["id", "section", "text"])
            item_id = r.ident(item["id"], "id")
            if item_id in seen:
                raise r.fail(item["id"], "id", f"'{item_id}' is used twice")
            seen.add(item_id)
            section = r.text(item["section"], "section")
            if section not in CHECKLIST_SECTIONS:
                raise r.fail(
                    item["section"], "section", f"must be one of: {', '.join(CHECKLIST_SECTIONS)}"
                )
            checklist.append(ChecklistItem(item_id, section, r.text(item["text"], "text")))
        rights_nodes = r.fields(f["rights"], "rights", PARTIES)
        rights = {party: r.text_list(rights_nodes[party], party) for party in PARTIES}
        out[type_id] = MeetingType(
            id=type_id,
            name=r.text(f["name"], "name"),
            description=r.text(f["description"], "description"),
            checklist=checklist,
            rights=rights,
        )
    return out


def _source(node: yaml.Node, r: Reader, *, local: bool, name: str = "sources") -> Source:
    f = r.fields(node, name, ["id", "name", "helps_with", "how_to_reach", "last_reviewed"])
    reach_nodes = r.fields(f["how_to_reach"], "how_to_reach", [], REACH_KEYS)
    if not reach_nodes:
        raise r.fail(f["how_to_reach"], "how_to_reach", "needs a website, phone, email or other")
    return Source(
        id=r.ident(f["id"], "id"),
        name=r.text(f["name"], "name"),
        helps_with=r.text(f["helps_with"], "helps_with"),
        how_to_reach={k: r.text(v, k) for k, v in reach_nodes.items()},
        last_reviewed=r.date(f["last_reviewed"], "last_reviewed"),
        local=local,
    )


def _sources(node: yaml.Node, r: Reader, name: str, *, local: bool) -> list[Source]:
    out: list[Source] = []
    seen: set[str] = set()
    for item in r.sequence(node, name, allow_empty=local):
        source = _source(item, r, local=local, name=name)
        if source.id in seen:
            raise r.fail(item, "id", f"'{source.id}' is used twice")
        seen.add(source.id)
        out.append(source)
    return out


def parse_signposting(root: yaml.Node, r: Reader) -> list[Source]:
    top = r.fields(root, "sources", ["sources"])
    return _sources(top["sources"], r, "sources", local=False)


def parse_profile(root: yaml.Node, r: Reader, profile_id: str) -> ServiceProfile:
    if not profile_id.replace("_", "").isalnum() or not profile_id.islower():
        raise r.fail(root, "id", f"'{profile_id}' (the file name) must be like 'milton_keynes'")
    f = r.fields(
        root,
        profile_id,
        [
            "name",
            "short_name",
            "helpline",
            "role_statements",
            "supervision_interval_days",
            "midway_evaluation_days",
            "cpd_refreshers",
            "retention_days_after_confirmation",
            "stale_information_days",
        ],
        ["local_sources", "policy_note"],
    )
    helpline = _source(f["helpline"], r, local=True, name="helpline")
    roles = r.fields(f["role_statements"], "role_statements", ROLES)
    refreshers = r.mapping(f["cpd_refreshers"], "cpd_refreshers")
    for topic, node in refreshers.items():
        if topic not in CPD_TOPICS:
            raise r.fail(node, topic, f"is not a CPD topic (one of: {', '.join(CPD_TOPICS)})")
    local_sources = (
        _sources(f["local_sources"], r, "local_sources", local=True) if "local_sources" in f else []
    )
    return ServiceProfile(
        id=profile_id,
        name=r.text(f["name"], "name"),
        short_name=r.text(f["short_name"], "short_name"),
        helpline=helpline,
        role_statements={role: r.template(roles[role], role, PLACEHOLDERS) for role in ROLES},
        supervision_interval_days=r.integer(
            f["supervision_interval_days"], "supervision_interval_days", least=1
        ),
        midway_evaluation_days=r.integer(
            f["midway_evaluation_days"], "midway_evaluation_days", least=1
        ),
        cpd_refreshers={topic: r.integer(n, topic, least=1) for topic, n in refreshers.items()},
        retention_days_after_confirmation=r.integer(
            f["retention_days_after_confirmation"], "retention_days_after_confirmation"
        ),
        stale_information_days=r.integer(
            f["stale_information_days"], "stale_information_days", least=1
        ),
        local_sources=local_sources,
        policy_note=r.text(f["policy_note"], "policy_note") if "policy_note" in f else "",
    )


# --- reading files --------------------------------------------------------------------


def _read(path: Path, label: str, parse: Callable[[yaml.Node, Reader], T]) -> T:
    """Read and parse one file; every failure is a single TemplateError naming ``label``."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TemplateError(f"{label} line 1: the file is larger than {MAX_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{label} line 1: the file is not UTF-8 text") from None
    except OSError:
        raise TemplateError(f"{label} line 1: the file cannot be read") from None
    return parse(compose(text, label), Reader(label))


def _override(
    folder: Path | None,
    name: str,
    parse: Callable[[yaml.Node, Reader], T],
    errors: list[TemplateError],
) -> T | None:
    if folder is None or not (folder / name).is_file():
        return None
    try:
        return _read(folder / name, name, parse)
    except TemplateError as exc:
        errors.append(exc)
        return None


def _profile_files(folder: Path) -> dict[str, Path]:
    sub = folder / PROFILES
    if not sub.is_dir():
        return {}
    return {p.stem: p for p in sorted(sub.glob("*.yaml")) if p.is_file()}


def load_templates(override_dir: Path | None = None) -> tuple[Templates, list[TemplateError]]:
    """The packaged templates with a service's overrides applied, and any override errors.

    A broken *packaged* file is a bug in this program and raises :class:`TemplateError`;
    a broken *override* file is reported in the list and ignored.
    """
    errors: list[TemplateError] = []
    folder = Path(override_dir) if override_dir is not None else None
    if folder is not None and not folder.is_dir():
        errors.append(TemplateError(f"{folder.name}: the override folder was not found"))
        folder = None

    meeting_types = _read(PACKAGE_DIR / MEETING_TYPES, MEETING_TYPES, parse_meeting_types)
    extra_types = _override(folder, MEETING_TYPES, parse_meeting_types, errors)
    if extra_types:
        meeting_types = {**meeting_types, **extra_types}

    signposting = _read(PACKAGE_DIR / SIGNPOSTING, SIGNPOSTING, parse_signposting)
    extra_sources = _override(folder, SIGNPOSTING, parse_signposting, errors)
    if extra_sources:
        merged = {s.id: s for s in signposting}
        merged.update({s.id: s for s in extra_sources})
        signposting = list(merged.values())

    language_file = _read(PACKAGE_DIR / LANGUAGE, LANGUAGE, parse_language)
    extra_language = _override(
        folder, LANGUAGE, lambda n, r: parse_language(n, r, language_file.lists), errors
    )
    if extra_language:
        language_file = merge_language(language_file, extra_language)
    language = language_rules(language_file)

    profiles: dict[str, ServiceProfile] = {}
    for pid, path in _profile_files(PACKAGE_DIR).items():
        label = f"{PROFILES}/{path.name}"
        profiles[pid] = _read(path, label, functools.partial(parse_profile, profile_id=pid))
    if folder is not None:
        for pid, path in _profile_files(folder).items():
            label = f"{PROFILES}/{path.name}"
            try:
                profiles[pid] = _read(path, label, functools.partial(parse_profile, profile_id=pid))
            except TemplateError as exc:
                errors.append(exc)

    timelines = _read(PACKAGE_DIR / TIMELINES, TIMELINES, parse_timelines)
    extra_timelines = _override(folder, TIMELINES, parse_timelines, errors)
    if extra_timelines:
        timelines = {**timelines, **extra_timelines}

    templates = Templates(
        meeting_types=meeting_types,
        profiles=profiles,
        signposting=signposting,
        language=language,
        timelines=timelines,
    )
    return templates, errors
