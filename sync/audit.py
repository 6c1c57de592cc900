"""The office's tamper-evident audit log: who did what to the master record, and when.

Each entry holds the SHA-256 of the entry before it, so editing, removing or reordering
any entry breaks the chain from that point on. The newest entry's hash is also signed with
the office's Ed25519 key and kept apart (``sync_state.audit_head``), so truncating the
log or rebuilding the whole chain without the office key is caught too.

The signing key is inside the master record too, so whoever can edit the record can also
rebuild and re-sign the whole log. The head is therefore *anchored* outside it: its
``n:hash`` is printed on every report and carried, signed, in every bundle the office sends
to a volunteer (their laptop keeps the last ones). :func:`check_anchor` then tells whether
an anchored head is still an entry of the log: a history rewritten at or before that entry
cannot keep its hash.

Entries name cases by reference and volunteers by id, never a family's names: the log is
inside the encrypted master record, but it is also what a data-protection officer reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from sync.canonical import canonical_json
from sync.node import SyncNode, b64, unb64

AUDIT = "audit_log"
GENESIS = "0" * 64
DOMAIN = b"ips-field audit head v1\n"

ACTIONS = (
    "import",  # a bundle imported (or quarantined)
    "export",  # bundles written for volunteers
    "view_notes",  # a supervisor opened a case's notes
    "assign",  # a case assigned or reassigned
    "intake",  # a new case opened at the office from a referral
    "resolve_conflict",
    "erase",  # a family erased
    "subject_access",  # everything about a family exported
    "report",  # a report shown or exported
    "enrol",
    "revoke",
    "recover",
    "evaluation",  # a returned evaluation recorded
    "evaluation_edit",  # an evaluation corrected at the office
    "evaluation_delete",  # an evaluation deleted at the office
    "flag_review",  # a flagged note marked reviewed by a supervisor
    "coaching",  # a coaching follow-up recorded for a note's author (policy 8.2)
    "case_decision",  # an open case of a revoked volunteer left for a decision
    "retention",  # the office's retention period changed
    "dp_request",  # a data-protection request logged, extended or closed
)


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    problem: str = ""  # one line: which entry is wrong and how


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def entries(node: SyncNode) -> list[dict[str, Any]]:
    """Every entry, oldest first."""
    return sorted(node.store.table(AUDIT).all(), key=lambda e: e["n"])


def append(node: SyncNode, action: str, detail: str, *, case_id: str = "") -> dict[str, Any]:
    """Add one entry (inside the caller's transaction, if any) and re-sign the head."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = node.state.get("audit_head") or {"n": 0, "hash": GENESIS}
    entry = {
        "id": f"{head['n'] + 1:09d}",
        "n": head["n"] + 1,
        "at": node.now(),
        "actor": node.node_id,
        "action": action,
        "detail": detail,
        "case_id": case_id,
        "prev": head["hash"],
    }
    entry["hash"] = _digest(entry)
    signature = node.identity.sign_key.sign(DOMAIN + f"{entry['n']}:{entry['hash']}".encode())
    with node.store.transaction():
        node.store.table(AUDIT).put(entry)
        node.save_state(audit_head={"n": entry["n"], "hash": entry["hash"], "sig": b64(signature)})
    return entry


def verify(node: SyncNode) -> AuditCheck:
    """Walk the chain; the first broken link is reported in one line."""
    log = entries(node)
    prev = GENESIS
    for i, entry in enumerate(log, start=1):
        if entry.get("n") != i:
            return AuditCheck(False, len(log), f"entry {i} is missing or out of order")
        if entry.get("prev") != prev:
            return AuditCheck(False, len(log), f"entry {i} does not follow entry {i - 1}")
        if _digest(entry) != entry.get("hash"):
            return AuditCheck(False, len(log), f"entry {i} was altered after it was written")
        prev = entry["hash"]
    head = node.state.get("audit_head")
    if head is None:
        if log:
            return AuditCheck(False, len(log), "the signed head of the log is missing")
        return AuditCheck(True, 0)
    if head.get("n") != len(log) or head.get("hash") != prev:
        return AuditCheck(False, len(log), "entries were removed from the end of the log")
    try:
        node.identity.public.sign_key().verify(
            unb64(head["sig"]), DOMAIN + f"{head['n']}:{head['hash']}".encode()
        )
    except (InvalidSignature, KeyError, ValueError):
        return AuditCheck(False, len(log), "the signed head of the log does not verify")
    return AuditCheck(True, len(log))


HEX = frozenset("0123456789abcdef")
MIN_PREFIX = 16  # hex digits of an anchored hash a supervisor must give (64 bits)


def head(node: SyncNode) -> dict[str, Any]:
    """The newest entry's position and hash (``n`` 0 and the genesis hash when empty)."""
    current = node.state.get("audit_head") or {}
    return {"n": int(current.get("n", 0)), "hash": str(current.get("hash", GENESIS))}


def anchor_text(value: dict[str, Any]) -> str:
    """The form printed on reports and shown on laptops: ``n:hash``."""
    return f"{value['n']}:{value['hash']}"


def valid_anchor(value: Any) -> bool:
    """A head as a bundle carries it: ``{"n": int >= 0, "hash": 64 lowercase hex}``."""
    return (
        isinstance(value, dict)
        and set(value) == {"n", "hash"}
        and type(value["n"]) is int
        and 0 <= value["n"] < 2**63
        and isinstance(value["hash"], str)
        and len(value["hash"]) == 64
        and set(value["hash"]) <= HEX
    )


def parse_anchor(text: str) -> tuple[int | None, str]:
    """``n:hash`` or a bare hash (at least 16 hex digits); ValueError with one line if not."""
    text = text.strip().lower()
    n: int | None = None
    if ":" in text:
        left, text = text.split(":", 1)
        if not left.strip().isdigit() or len(left.strip()) > 18:
            raise ValueError("an anchored head is N:HASH, N the entry number")
        n = int(left)
    text = text.strip()
    if not MIN_PREFIX <= len(text) <= 64 or not set(text) <= HEX:
        raise ValueError(f"an anchored hash is {MIN_PREFIX} to 64 hex digits")
    return n, text


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    line: str  # one line for a supervisor


def _since(count: int) -> str:
    """ "1 entry since", "2 entries since" (it said "1 entries since")."""
    return f"{count} {'entry' if count == 1 else 'entries'} since"


def check_anchor(node: SyncNode, anchored: str) -> AnchorCheck:
    """Is the anchored head (taken from a report or a laptop) still an entry of this log,
    with the chain from the start to now intact? Rewriting, removing or reordering any
    entry up to the anchored one changes its hash, so the anchor no longer matches."""
    n, digest = parse_anchor(anchored)
    chain = verify(node)
    if not chain.ok:
        return AnchorCheck(False, f"the log does not verify: {chain.problem}")
    log = entries(node)
    if n == 0 and not GENESIS.startswith(digest):
        return AnchorCheck(False, "entry 0 is the empty log, and that is not its hash")
    if n == 0 or (n is None and GENESIS.startswith(digest)):
        return AnchorCheck(True, f"the anchor is the empty log; {_since(len(log))}")
    if n is None:
        found = [e for e in log if e["hash"].startswith(digest)]
        if not found:
            return AnchorCheck(
                False,
                "no entry of this log has that hash: the history it anchored was rewritten "
                "(or the anchor is not from this log)",
            )
        n = found[0]["n"]
    if n > len(log):
        return AnchorCheck(
            False,
            f"the log has {len(log)} entries, fewer than the anchored {n}: entries were "
            "removed (or the anchor is not from this log)",
        )
    entry = log[n - 1]
    if not entry["hash"].startswith(digest):
        return AnchorCheck(
            False,
            f"entry {n} no longer has the anchored hash: the log was rewritten at or before it",
        )
    later = len(log) - n
    return AnchorCheck(True, f"entry {n} still has the anchored hash; {_since(later)}")
