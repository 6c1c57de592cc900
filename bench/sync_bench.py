"""Sync benchmark: export and import against the floor (seal + sign + serialise) in one run.

Run: ``python bench/sync_bench.py [--ops 1000] [--master 50000] [--volunteers 20]``

1. export of ``--ops`` operations from a volunteer store (read outbox, build payload, seal,
   write the file) against the floor: canonical JSON + Ed25519 signature + HPKE seal of the
   same payload;
2. import of that bundle into a master record holding ``--master`` documents (open, check,
   authorise, merge in one atomic store write) against the floor: HPKE open + signature
   check + parse of the same bytes;
3. ``--volunteers`` volunteers' bundles (50 ops each) imported in one run, against the sum of
   their floors (opening the same bytes); the median of ``--rounds`` rounds, since one
   round lasts a quarter of a second and a busy machine moves it a lot.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from sync.bundle import open_bundle, seal_bundle
from sync.exchange import export_bundle, import_bundle, outgoing_ops
from sync.node import SyncNode

K = KdfParams.FOR_TESTS
TEXT = "The parent said the mornings are hard and asked about a named adult. " * 8


def enrolled(tmp: Path, office: SyncNode, name: str) -> tuple[SyncNode, str]:
    store = Store.create(tmp / name / "v.ipsf", "bench volunteer passphrase", kdf=K)
    invite, code, vid = off.enrol(office, name)
    reply, fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
    node = SyncNode(store, "volunteer")
    import_bundle(node, off.export_for(office, vid, tmp / "welcome"), tmp / "q")
    return node, vid


def write_notes(node: SyncNode, vid: str, n: int) -> None:
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
        for _ in range(n - 2):  # the case, its consent and the notes: ``n`` ops in all
            repo.add_note(Note(case_id=case.id, voice="parent_view", text=TEXT[:600]))


def fill_master(office: SyncNode, docs: int) -> None:
    repo: Repository = office.repo
    table = repo.table("note")
    batch = []
    for i in range(docs):
        batch.append(
            {
                "id": str(uuid.UUID(int=i + 1)),
                "kind": "note",
                "case_id": "x",
                "text": TEXT[:600],
                "voice": "general",
                "clocks": {},
                "deleted": False,
                "origin": "old",
            }
        )
    table.put_many(batch)
    office.store.compact()


def floor_seal(node: SyncNode, office_public, ops) -> tuple[float, bytes]:
    payload = {
        "seq": 10**6,
        "ack": 0,
        "roster_version": node.roster.version,
        "hlc": None,
        "ops": ops,
    }
    start = time.perf_counter()
    data = seal_bundle(payload, node.identity, office_public)
    return time.perf_counter() - start, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--master", type=int, default=50_000)
    parser.add_argument("--volunteers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        office = off.init_office(
            tmp / "office.ipsf", "bench office passphrase", "bench recovery", tmp / "r.key", kdf=K
        )
        fill_master(office, args.master)
        node, vid = enrolled(tmp, office, "v0")
        write_notes(node, vid, args.ops)
        ops = outgoing_ops(node, office.node_id)
        floor_export, floor_bytes = floor_seal(node, office.identity.public, ops)
        start = time.perf_counter()
        path = export_bundle(node, office.node_id, tmp / "out")
        t_export = time.perf_counter() - start
        size = path.stat().st_size  # an imported bundle is deleted
        start = time.perf_counter()
        open_bundle(floor_bytes, office.identity, office.roster)
        floor_import = time.perf_counter() - start
        start = time.perf_counter()
        result = import_bundle(office, path, tmp / "q")
        t_import = time.perf_counter() - start
        assert result.status == "imported", result.summary
        print(
            f"master record: {args.master} documents; bundle: {len(ops)} operations, {size} bytes"
        )
        print(
            f"export: {t_export * 1000:8.1f} ms   floor {floor_export * 1000:8.1f} ms"
            f"   ratio {t_export / floor_export:5.2f}x"
        )
        print(
            f"import: {t_import * 1000:8.1f} ms   floor {floor_import * 1000:8.1f} ms"
            f"   ratio {t_import / floor_import:5.2f}x"
        )

        volunteers = [enrolled(tmp, office, f"v{i}") for i in range(1, args.volunteers + 1)]
        ratios, totals = [], []
        for round_ in range(args.rounds):
            bundles, floors = [], 0.0
            for v, v_id in volunteers:
                write_notes(v, v_id, 50)
                path = export_bundle(v, office.node_id, tmp / f"many{round_}")
                data = path.read_bytes()
                start = time.perf_counter()
                open_bundle(data, office.identity, office.roster)  # the floor: same bytes
                floors += time.perf_counter() - start
                bundles.append(path)
            gc.collect()  # a full collection over the big master record lands in neither
            start = time.perf_counter()
            results = [import_bundle(office, b, tmp / "q") for b in bundles]
            t_many = time.perf_counter() - start
            assert all(r.status == "imported" for r in results)
            for v, v_id in volunteers:  # the office's acknowledgement, so that the next
                back = off.export_for(office, v_id, tmp / f"back{round_}")  # round's bundles
                import_bundle(v, back, tmp / "q")  # carry only new operations
            ratios.append(t_many / floors)
            totals.append((t_many, floors))
        best = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
        t_many, floors = totals[best]
        print(
            f"{args.volunteers} volunteers' bundles: {t_many * 1000:8.1f} ms"
            f"   floor {floors * 1000:8.1f} ms"
            f"   ratio {t_many / floors:5.2f}x   (median of {args.rounds} rounds:"
            f" {', '.join(f'{r:.2f}' for r in sorted(ratios))})"
        )
        for v, _ in volunteers:
            v.store.close()
        node.store.close()
        office.store.close()


if __name__ == "__main__":
    main()
