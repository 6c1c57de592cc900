"""Unauthenticated bytes cost the office almost nothing (DESIGN.md §6, issue 11).

Run: ``python bench/forgery_bench.py [--ops 5000] [--repeat 20]``

Anyone holding the office's *public* key (every invitation carries it in clear) can make a
file that HPKE-decrypts at the office. Such a 64 KiB file is refused after one decryption
and one Ed25519 check on bounded bytes, before any zlib or JSON: target < 50 ms and
< 32 MiB peak (tracemalloc). Printed next to the import of a genuine ``--ops`` bundle,
which must be no slower than before the format change.

Forgeries (each 64 KiB, made with only the office's public identity):

- ``random-sender``: a sealed frame whose sender fingerprint is random, holding 60 KB of
  zlib that would inflate to 32 MiB of ``[`` (refused: unknown sender);
- ``claimed-volunteer``: the same, claiming a real volunteer's fingerprint, with a
  garbage signature (refused: bad signature);
- ``garbage``: the magic then random bytes (refused: not addressed here).

``--genuine-only`` measures just the genuine import (runs on older code too, to compare).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
import zlib
from pathlib import Path

sys.path.insert(0, os.environ.get("IPS_BENCH_ROOT", str(Path(__file__).resolve().parent.parent)))

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.store import KdfParams, Store
from sync.exchange import export_bundle, import_bundle
from sync.node import SyncNode

K = KdfParams.FOR_TESTS
TEXT = "The parent said the mornings are hard and asked about a named adult. " * 4
SIZE = 64 * 1024


def enrolled(tmp: Path, office: SyncNode, name: str) -> tuple[SyncNode, str]:
    store = Store.create(tmp / name / "v.ipsf", "bench volunteer passphrase", kdf=K)
    invite, code, vid = off.enrol(office, name)
    reply, fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
    node = SyncNode(store, "volunteer")
    import_bundle(node, off.export_for(office, vid, tmp / "welcome"), tmp / "q")
    return node, vid


def forgeries(office: SyncNode, volunteer_fp: bytes) -> dict[str, bytes]:
    from sync.bundle import FLAG_ZLIB, FRAME_HEAD, MAGIC, OVERHEAD, encrypt_frame

    public = office.identity.public  # all the forger has
    bomb = zlib.compress(b"[" * (32 * 1024 * 1024), 9)
    filler = os.urandom(60_000 - len(bomb))
    content = bomb + filler

    def frame(sender_fp: bytes) -> bytes:
        raw = FRAME_HEAD.pack(sender_fp, FLAG_ZLIB, len(content)) + content + os.urandom(64)
        return encrypt_frame(raw + bytes(SIZE - OVERHEAD - len(raw)), public)

    return {
        "random-sender": frame(os.urandom(32)),
        "claimed-volunteer": frame(volunteer_fp),
        "garbage": MAGIC + os.urandom(SIZE - len(MAGIC)),
    }


def measure_forgery(office: SyncNode, tmp: Path, name: str, data: bytes, repeat: int) -> None:
    times, peaks, outcome = [], [], ""
    for i in range(repeat):
        path = tmp / "inbox" / f"{name}-{i}.ipsb"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        tracemalloc.start()
        start = time.perf_counter()
        result = import_bundle(office, path, tmp / "quarantine")
        times.append(time.perf_counter() - start)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        outcome = result.summary
        assert result.status in ("quarantined", "others"), outcome
    print(
        f"forged 64 KiB {name:18} median {statistics.median(times) * 1000:7.2f} ms"
        f"  max {max(times) * 1000:7.2f} ms  peak {max(peaks) / 2**20:6.2f} MiB  -> {outcome}"
    )


def genuine(office: SyncNode, node: SyncNode, vid: str, tmp: Path, ops: int) -> float:
    repo = node.repo
    with repo.transaction():
        case = repo.save(
            Case(
                reference=f"B{uuid.uuid4().hex[:6]}",
                school="S",
                opened_on="2026-11-01",
                assigned_to=vid,
            )
        )
        repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
        for i in range(ops - 2):  # the case, its consent and the notes: ``ops`` in all
            repo.add_note(Note(case_id=case.id, text=f"{TEXT} {i}"))
    path = export_bundle(node, office.node_id, tmp / "out")
    size = path.stat().st_size
    start = time.perf_counter()
    result = import_bundle(office, path, tmp / "q")
    elapsed = time.perf_counter() - start
    assert result.status == "imported", result.summary
    print(f"genuine {ops}-op bundle ({size} bytes) imported in {elapsed * 1000:8.1f} ms")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--genuine-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        office = off.init_office(
            tmp / "office.ipsf", "bench office passphrase", "bench recovery", tmp / "r.key", kdf=K
        )
        node, vid = enrolled(tmp, office, "v0")
        if not args.genuine_only:
            from sync.keys import fingerprint_bytes

            for name, data in forgeries(office, fingerprint_bytes(node.identity.public)).items():
                measure_forgery(office, tmp, name, data, args.repeat)
        genuine(office, node, vid, tmp, args.ops)
        node.store.close()
        office.store.close()


if __name__ == "__main__":
    main()
