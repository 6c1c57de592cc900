"""Export and import bundles: the receiving order of DESIGN.md §5, all-or-nothing.

Each bundle carries every operation the other side has not acknowledged, so a lost or
duplicated bundle costs nothing. A bundle whose sequence is not newer than the last one
accepted from that sender is a replay: nothing happens and it is reported. Any other failure
— foreseen or not — leaves the store as it was and moves only that file to the quarantine
folder with a one-line reason beside it. A bundle sealed to another computer is left where it
is, untouched. A successfully imported bundle is overwritten and deleted: only its SHA-256 is
kept (table ``sync_imported``) so that the same file is recognised as a replay without being
opened. Folder handling and the loop over many files are in :mod:`sync.inbox`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.domain.words import count
from ips_field.errors import StoreError, SyncError, ValidationError
from ips_field.store import osdeps
from sync.authorise import authorise_office_ops, authorise_volunteer_ops
from sync.bundle import (
    MAX_BUNDLE_BYTES,
    AddressedElsewhere,
    bundle_filename,
    open_bundle,
    seal_bundle,
)
from sync.erasure import finish_scrub
from sync.errors import BundleTooLarge, InvalidOperation, Replayed
from sync.merge import apply_ops
from sync.node import SyncNode, b64, unb64
from sync.ops import check_header, position_ok, validate_op
from sync.references import confirm_references
from sync.routing import FEED, acknowledge_closed, route
from sync.safefile import move_into, read_checked, remove_read_file

InWrite = Callable[[str], None]  # runs inside an import's one store write
MAX_OPS_PER_BUNDLE = 5000
IMPORTED = "sync_imported"  # SHA-256 of each imported bundle file (replay detection only)


@dataclass
class ImportResult:
    path: Path
    status: str  # imported, replay, quarantined, wiped, others (left alone), skipped
    summary: str
    sender: str = ""
    notes: int = 0
    cases: set[str] = field(default_factory=set)
    erased: int = 0
    error: Exception | None = None
    moved: bool = True  # False: the file should have been moved or removed and could not be


# -- outgoing ------------------------------------------------------------------------------


def outgoing_ops(node: SyncNode, peer_id: str) -> list[dict[str, Any]]:
    """Operations ``peer_id`` has not acknowledged, each with its stream position ``n``."""
    peer = node.peer(peer_id)
    if node.role == "volunteer":
        out = []
        for op in node.repo.outbox(after_seq=peer["their_ack"]):
            case = node.repo.raw("case", op["case_id"]) if op.get("case_id") else None
            if case is not None and case.get("assigned_to") not in (node.node_id, ""):
                continue  # reassigned by the office: no longer ours to change
            out.append({**op, "n": op["seq"]})
        return out[:MAX_OPS_PER_BUNDLE]
    feed = [e for e in node.store.table(FEED).all() if e["volunteer"] == peer_id]
    feed = sorted((e for e in feed if e["n"] > peer["their_ack"]), key=lambda e: e["n"])
    return [{**e["op"], "n": e["n"]} for e in feed[:MAX_OPS_PER_BUNDLE]]


def pending_count(node: SyncNode, peer_id: str) -> int:
    return len(outgoing_ops(node, peer_id))


def export_bundle(
    node: SyncNode, peer_id: str, out_dir: Path, extra: dict[str, Any] | None = None
) -> Path:
    """Seal the unacknowledged operations for ``peer_id`` into a new file in ``out_dir``."""
    roster = node.roster
    assert roster is not None, "not enrolled"
    recipient = roster.public_of(peer_id)
    if recipient is None:
        raise SyncError("that recipient is not on the roster")
    peer = node.peer(peer_id)
    seq = peer["sent_seq"] + 1
    payload: dict[str, Any] = {
        "seq": seq,
        "ack": peer["received_n"],
        "roster_version": roster.version,
        "hlc": list(node.repo.clock.last),
        "ops": outgoing_ops(node, peer_id),
        **(extra or {}),
    }
    data = seal_bundle(payload, node.identity, recipient)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / bundle_filename()
    _write_atomic(target, data)
    peer.update(sent_seq=seq, last_sent_at=node.now())
    with node.store.transaction():
        node.save_peer(peer)
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a hidden temporary; every write is checked.

    On any failure (full disk, read-only stick, a failing fsync) the temporary is removed,
    nothing is left behind and :class:`SyncError` says so in one line.
    """
    tmp = target.with_name(f".{secrets.token_hex(8)}.part")
    try:
        fd = osdeps.open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW)
    except OSError:
        raise SyncError("could not write the bundle there (read-only or no such folder)") from None
    try:
        try:
            osdeps.write_all(fd, data)  # os.write may write only part
            osdeps.fsync(fd)  # F_FULLFSYNC on macOS
        finally:
            osdeps.close(fd)
        if os.path.getsize(tmp) != len(data):
            raise OSError("size mismatch")
        osdeps.replace(tmp, target)  # retried while antivirus holds the new file (Windows)
    except OSError:
        with contextlib.suppress(OSError):
            osdeps.unlink(tmp)  # retried while antivirus holds it (Windows)
        raise SyncError(
            "could not write the whole bundle (is the disk full?); nothing was written"
        ) from None
    with contextlib.suppress(OSError):
        osdeps.fsync_dir(target.parent)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


# -- incoming ------------------------------------------------------------------------------


def import_bundle(
    node: SyncNode,
    path: Path,
    quarantine: Path,
    *,
    identity: tuple[int, int] | None = None,
    in_write: InWrite | None = None,
) -> ImportResult:
    """Receive one bundle file: one bundle, one outcome, and nothing escapes.

    Imported or a replay: the file is overwritten and deleted (``moved`` False if it could
    not be). Sealed to another computer: left alone (status ``others``). A link, FIFO,
    device or unreadable file: left alone (``skipped``). Any other failure, including an
    exception nobody foresaw: nothing applied, the file moved to ``quarantine`` with a
    one-line reason. ``identity`` is the (device, inode) :func:`sync.safefile.sniff` saw.
    ``in_write(sender)`` runs inside the one store write that applies the bundle (the
    office's audit entry for it), so the import and its record are kept or lost together.
    """
    path = Path(path)
    try:
        data, seen_as = read_checked(path, MAX_BUNDLE_BYTES)
    except BundleTooLarge as err:  # ours by its magic, too big to read: moved unread
        if identity is None:
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                identity = (st.st_dev, st.st_ino)
        result = _quarantine(path, quarantine, str(err), identity)
        result.error = err
        return result
    except SyncError as err:
        return ImportResult(path, "skipped", f"left alone: {err}")
    if identity is not None and seen_as != identity:
        return ImportResult(path, "skipped", "left alone: the file changed while it was read")
    digest = hashlib.sha256(data).hexdigest()
    roster = node.roster
    if roster is None:  # nothing here can be ours yet: touch nothing
        return ImportResult(path, "skipped", "left alone: this computer is not enrolled yet")
    try:
        if node.store.table(IMPORTED).get_id(digest) is not None:
            raise Replayed()
        payload = open_bundle(data, node.identity, roster)
        del data
        result = _apply(node, path, payload, digest, in_write)
    except AddressedElsewhere:
        return ImportResult(path, "others", "for another computer: left alone")
    except Replayed as err:
        result = ImportResult(path, "replay", f"already imported ({err.line})")
    except SyncError as err:
        result = _quarantine(path, quarantine, str(err), seen_as)
        result.error = err
        return result
    except Exception as err:
        reason = f"bundle could not be imported (unexpected {type(err).__name__})"
        result = _quarantine(path, quarantine, reason, seen_as)
        result.error = err
        return result
    if result.status in ("imported", "replay"):
        result.moved = remove_read_file(path, seen_as)
    return result


def _apply(
    node: SyncNode,
    path: Path,
    payload: dict[str, Any],
    digest: str,
    in_write: InWrite | None = None,
) -> ImportResult:
    """Check and apply one opened bundle; a failure nobody foresaw is a refusal too."""
    try:
        return _apply_checked(node, path, payload, digest, in_write)
    except (SyncError, StoreError):  # a store that cannot write is not the bundle's fault
        raise
    except Exception as err:  # one bundle, one outcome: never a traceback, never a stop
        raise InvalidOperation(
            f"bundle could not be applied (unexpected {type(err).__name__})"
        ) from None


def _apply_checked(
    node: SyncNode,
    path: Path,
    payload: dict[str, Any],
    digest: str,
    in_write: InWrite | None = None,
) -> ImportResult:
    sender = payload["sender"]
    peer = node.peer(sender)
    if payload["seq"] <= peer["seen_seq"]:
        raise Replayed()
    raw_ops = check_header(payload)
    ops = []
    top = peer["received_n"]
    for entry in raw_ops:
        if not isinstance(entry, dict):
            raise InvalidOperation("bundle holds a malformed operation")
        n = entry.get("n", entry.get("seq"))  # a volunteer's stream position is its op seq
        if not position_ok(n):
            raise InvalidOperation("bundle holds a malformed operation")
        op = validate_op({k: v for k, v in entry.items() if k != "n"})
        if n > peer["received_n"]:
            ops.append(op)
        top = max(top, n)
    is_office = node.role == "office"
    if is_office:
        authorise_volunteer_ops(node.repo, sender, ops, office_id=node.node_id)
    elif not node.roster.is_office(sender):  # type: ignore[union-attr]
        raise InvalidOperation("volunteers receive bundles from the office only")
    else:
        authorise_office_ops(node.repo, sender, ops)
    if not is_office and payload.get("wipe") is True:
        return ImportResult(
            path, "wiped", "the office asked this computer to erase its store", sender
        )
    with node.repo.transaction():  # puts the clock back too if anything below fails
        result = apply_ops(node.repo, ops, is_office=is_office, validated=True)
        if not is_office:
            _office_extras(node, payload)
        peer.update(
            seen_seq=payload["seq"],
            received_n=top,
            their_ack=max(peer["their_ack"], int(payload.get("ack", 0))),
            last_received_at=node.now(),
            bundles_received=peer.get("bundles_received", 0) + 1,
        )
        node.save_peer(peer)
        node.store.table(IMPORTED).put({"id": digest, "at": node.now()})
        confirmed: list[Any] = []
        if is_office:
            acknowledge_closed(node, result.cases)
            confirmed = [c for c in confirm_references(node, result.cases) if c.changed]
            route(node)
        if in_write is not None:
            in_write(sender)
    if result.erased_cases:
        with contextlib.suppress(StoreError, OSError):  # owed, so finished on the next open
            finish_scrub(node.store)
    notes = result.by_kind.get("note", 0)
    parts = [f"{count(notes, 'new note')} for {count(len(result.cases), 'case')}"]
    others = result.applied - notes - result.duplicates
    if others > 0:
        parts.append(count(others, "other change"))
    if result.conflicts:
        parts.append(f"{count(result.conflicts, 'conflict')} to review")
    if result.erased_cases:
        erased = count(len(result.erased_cases), "family", "families")
        parts.append(f"{erased} erased at the office's request")
    if result.dropped_erased:
        parts.append(f"{count(result.dropped_erased, 'change')} to erased families dropped")
    if confirmed:
        parts.append(f"{count(len(confirmed), 'case reference')} set by the office")
    return ImportResult(
        path, "imported", ", ".join(parts), sender, notes, result.cases, len(result.erased_cases)
    )


def _office_extras(node: SyncNode, payload: dict[str, Any]) -> None:
    """Roster updates and the recovery key travel signed inside office bundles."""
    signed = payload.get("roster")
    if isinstance(signed, str) and payload["roster_version"] > (
        node.state.get("roster_version") or 0
    ):
        node.set_roster(unb64(signed))
    recovery = payload.get("recovery_public")
    if isinstance(recovery, str) and node.state.get("recovery_public") != recovery:
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

        add = getattr(node.store, "add_recovery_slot", None)
        if add is not None:
            add(X25519PublicKey.from_public_bytes(unb64(recovery)))
        node.save_state(recovery_public=recovery)
    anchor = payload.get("audit_head")
    if anchor is not None:
        keep_audit_anchor(node, anchor)


ANCHORS_KEPT = 20


def keep_audit_anchor(node: SyncNode, anchor: Any) -> None:
    """Keep the office's audit head from a signed office bundle (the last 20, with the day
    received): copies of the log's head that whoever edits the master record cannot reach."""
    from sync.audit import valid_anchor

    if not valid_anchor(anchor):
        raise InvalidOperation("bundle holds a malformed audit head")
    kept = [a for a in node.state.get("audit_anchors", []) if isinstance(a, dict)]
    if kept and kept[-1].get("n") == anchor["n"] and kept[-1].get("hash") == anchor["hash"]:
        return
    kept.append({"n": anchor["n"], "hash": anchor["hash"], "received_at": node.now()})
    node.save_state(audit_anchors=kept[-ANCHORS_KEPT:])


def _quarantine(
    path: Path, quarantine: Path, reason: str, identity: tuple[int, int] | None
) -> ImportResult:
    moved = identity is not None and move_into(path, Path(quarantine), reason, identity)
    return ImportResult(path, "quarantined", f"quarantined: {reason}", moved=moved)


def wipe_store(store: Any) -> None:
    """Best-effort wipe after a signed instruction: overwrite, then delete, every store file."""
    path = Path(store.path)
    store.close()
    for name in (path, path.with_name(path.name + ".prev")):
        with contextlib.suppress(OSError):
            size = name.stat().st_size
            with open(name, "r+b") as fh:
                fh.write(os.urandom(size))
                fh.flush()
                os.fsync(fh.fileno())
            osdeps.unlink(name)


__all__ = ["FEED", "ImportResult", "b64", "export_bundle", "import_bundle"]


def export_for(node: SyncNode, volunteer_id: str, out_dir: Path) -> Path:
    """A bundle for one volunteer with the roster, recovery key and any wipe instruction."""
    from sync import audit

    extra: dict[str, Any] = {
        "roster": node.state["roster"],
        "recovery_public": node.state.get("recovery_public"),
        "audit_head": audit.head(node),  # anchored on the laptop (sync/audit.py)
    }
    if volunteer_id in node.state.get("wipe", []):
        extra["wipe"] = True
    return export_bundle(node, volunteer_id, out_dir, extra)


def export_targets(node: SyncNode, only: str | None = None) -> list[str]:
    """The volunteers an export writes to: active ones, and revoked ones owed a wipe."""
    roster = node.roster
    assert roster is not None
    targets = [only] if only else list(roster.volunteers)
    out = []
    for vid in targets:
        entry = roster.volunteers.get(vid)
        if entry is None:
            raise ValidationError({"volunteer": "No such volunteer on the roster"})
        if entry.active or vid in node.state.get("wipe", []):
            out.append(vid)
    return out


def export_all(node: SyncNode, out_dir: Path, only: str | None = None) -> list[Path]:
    return [export_for(node, vid, out_dir) for vid in export_targets(node, only)]
