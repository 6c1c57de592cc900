"""The office's tamper-evident audit log: who did what to the master record, and when.

Each entry holds the SHA-256 of the entry before it, so editing, removing or reordering
any entry breaks the chain from that point on. The newest entry's hash is also signed with
the office's Ed25519 key and kept apart (``sync_state.audit_head``), so truncating the
log or rebuilding the whole chain without the office key is caught too.

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
