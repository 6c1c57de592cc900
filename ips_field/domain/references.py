"""Case references: provisional on a laptop, issued by the office, unique across the service.

A reference is what people read and say ("case IPS-00042"); the case's ``id`` stays the
stable key everywhere (sync, audit, erasure). A laptop cannot know which references other
laptops used, so a case opened there gets a **provisional** reference carrying the
volunteer's short code (``P-3F2A9C-0001``): two laptops never make the same one. The office
replaces it at import with the next **service reference** (``IPS-00001``, a sequence kept
in the master record) and the new reference reaches the laptop in the next bundle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PROVISIONAL = "P-"
SERVICE = "IPS-"
CODE_LENGTH = 6


def short_code(node_id: str, length: int = CODE_LENGTH) -> str:
    """The first characters of a volunteer's id, upper case: shown in the office's list of
    volunteers and carried in the provisional references their laptop makes."""
    return "".join(ch for ch in node_id if ch.isalnum())[:length].upper()


def is_provisional(reference: str) -> bool:
    return reference.strip().upper().startswith(PROVISIONAL)


# runs of letters and digits with one space or ``/ _ . -`` between them: no trailing,
# leading or doubled separator, so no reference reads as another one in a list
_PLAIN = re.compile(r"(?=.{1,24}\Z)[A-Za-z0-9]+(?:[ /_.-][A-Za-z0-9]+)*")


def is_plain(reference: str) -> bool:
    """A reference the office may confirm as it is: letters and digits, one space or
    ``/ _ . -`` between them, at most 24 characters (anything else, control characters
    included, is replaced)."""
    return _PLAIN.fullmatch(reference) is not None


def reference_key(reference: str) -> str:
    """What two references must differ in to be told apart (``ips-00001`` is taken when
    ``IPS-00001`` is)."""
    return reference.casefold()


def is_service(reference: str) -> bool:
    rest = reference.strip()[len(SERVICE) :]
    return reference.strip().startswith(SERVICE) and rest.isdigit()


def provisional_reference(node_id: str, existing: Iterable[str]) -> str:
    """The next provisional reference for a case opened on this laptop."""
    taken = set(existing)
    prefix = f"{PROVISIONAL}{short_code(node_id) or 'LOCAL'}-"
    n = sum(1 for ref in taken if ref.startswith(prefix)) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def service_reference(n: int) -> str:
    return f"{SERVICE}{n:05d}"
