"""Export and import bundles: the receiving order of DESIGN.md §5, all-or-nothing.

Each bundle carries every operation the other side has not acknowledged, so a lost or
duplicated bundle costs nothing. A bundle whose sequence is not newer than the last one
accepted from that sender is a replay: nothing happens and it is reported. Any other failure
moves the file to the quarantine folder with a one-line reason beside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ips_field.domain.words import count
from ips_field.errors import SyncError
from ips_field.store import osdeps
from sync.authorise import authorise_volunteer_ops
from sync.bundle import bundle_filename, open_bundle_file, seal_bundle
from sync.errors import InvalidOperation, Replayed
from sync.merge import apply_ops
from sync.node import SyncNode, b64, unb64
from sync.ops import validate_op

FEED = "sync_feed"  # office: operations queued per volunteer, numbered per volunteer
MAX_OPS_PER_BUNDLE = 5000


@dataclass
class ImportResult:
    path: Path
    status: str  # imported, replay, quarantined, wiped
    summary: str
    sender: str = ""
    notes: int = 0
    cases: set[str] = field(default_factory=set)
    erased: int = 0
    error: Exception | None = None


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
    tmp = target.with_name(target.name + ".part")
    fd = osdeps.open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        osdeps.write_all(fd, data)  # os.write may write only part
        osdeps.fsync(fd)
    finally:
        osdeps.close(fd)
    osdeps.replace(tmp, target)  # retried while antivirus holds the new file (Windows)
    with contextlib.suppress(OSError):
        osdeps.fsync_dir(target.parent)


# -- incoming ------------------------------------------------------------------------------


def import_bundle(node: SyncNode, path: Path, quarantine: Path) -> ImportResult:
    """Receive one bundle; on any failure nothing is applied and the file is quarantined."""
    path = Path(path)
    roster = node.roster
    if roster is None:
        return _quarantine(path, quarantine, "this computer is not enrolled yet")
    try:
        payload = open_bundle_file(path, node.identity, roster)
        return _apply(node, path, payload)
    except Replayed as err:
        return ImportResult(path, "replay", f"already imported ({err.line})")
    except SyncError as err:
        result = _quarantine(path, quarantine, str(err))
        result.error = err
        return result


def _apply(node: SyncNode, path: Path, payload: dict[str, Any]) -> ImportResult:
    sender = payload["sender"]
    peer = node.peer(sender)
    if payload["seq"] <= peer["seen_seq"]:
        raise Replayed()
    raw_ops = payload.get("ops", [])
    if not isinstance(raw_ops, list):
        raise InvalidOperation("bundle operations are malformed")
    ops = []
    top = peer["received_n"]
    for entry in raw_ops:
        if not isinstance(entry, dict):
            raise InvalidOperation("bundle holds a malformed operation")
        n = entry.get("n", entry.get("seq"))  # a volunteer's stream position is its op seq
        if type(n) is not int or n < 1:
            raise InvalidOperation("bundle holds a malformed operation")
        op = validate_op({k: v for k, v in entry.items() if k != "n"})
        if n > peer["received_n"]:
            ops.append(op)
        top = max(top, n)
    is_office = node.role == "office"
    if is_office:
        authorise_volunteer_ops(node.repo, sender, ops)
    elif not node.roster.is_office(sender):  # type: ignore[union-attr]
        raise InvalidOperation("volunteers receive bundles from the office only")
    if not is_office and payload.get("wipe") is True:
        return ImportResult(
            path, "wiped", "the office asked this computer to erase its store", sender
        )
    with node.store.transaction():
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
        if is_office:
            from sync.office import acknowledge_closed, route

            acknowledge_closed(node, result.cases)
            route(node)
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


def _quarantine(path: Path, quarantine: Path, reason: str) -> ImportResult:
    quarantine.mkdir(parents=True, exist_ok=True)
    target = quarantine / path.name
    with contextlib.suppress(OSError):
        shutil.move(str(path), target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return ImportResult(path, "quarantined", f"quarantined: {reason}")


def bundle_files(paths: list[Path]) -> list[Path]:
    """Files named on the command line, or the ``*.ipsb`` files inside named folders."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(x for x in p.iterdir() if x.suffix == ".ipsb" and x.is_file())
        else:
            out.append(p)
    return out


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


__all__ = ["FEED", "ImportResult", "b64", "bundle_files", "export_bundle", "import_bundle"]
