"""Three volunteers and the office share ONE folder for a month of bundles.

Everyone drops their bundles into the same folder and imports from it on their own days.
Each computer imports only what is sealed to it, leaves everyone else's where it is
("n for others, left alone"), and nothing is ever quarantined. At the end every note has
reached the office, the reassigned case reached its new volunteer, and the folder is empty.
"""

from __future__ import annotations

from pathlib import Path

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.store import KdfParams, Store
from sync.inbox import export_files, import_paths
from sync.node import SyncNode

K = KdfParams.FOR_TESTS
DAYS = 30


def test_a_month_in_one_shared_folder(tmp_path: Path, clock) -> None:
    office = off.init_office(
        tmp_path / "office.ipsf", "office words", "recovery words", tmp_path / "rk.key", kdf=K
    )
    laptops: list[SyncNode] = []
    ids: list[str] = []
    for name in ("Anna", "Ben", "Cleo"):
        store = Store.create(tmp_path / name / "v.ipsf", "volunteer passphrase", kdf=K)
        invite, code, vid = off.enrol(office, name)
        reply, fp, _ = off.volunteer_enrol(store, invite, code)
        off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
        laptops.append(SyncNode(store, "volunteer"))
        ids.append(vid)
    shared = tmp_path / "OneDrive - IPS" / "sync"
    shared.mkdir(parents=True)
    export_files(office, shared)  # first bundles: roster and recovery key for each

    cases = {}
    written: list[str] = []
    left_alone = 0
    moved_case = None
    for day in range(1, DAYS + 1):
        clock.advance(days=1)
        for i, node in enumerate(laptops):
            if (day + i) % 3:  # each volunteer syncs every third day, on different days
                continue
            report = import_paths(node, [shared])
            assert not report.failed, report.all_lines()
            left_alone += report.others
            if i not in cases or cases[i].id == moved_case:  # a new case once Anna's moved
                cases[i] = node.repo.save(
                    Case(
                        reference=f"C-{i}-{day}",
                        school="Hill School",
                        opened_on="2026-11-01",
                        assigned_to=ids[i],
                    )
                )
                node.repo.save(
                    Consent(case_id=cases[i].id, purpose="record", given_on="2026-11-01")
                )
            for k in range(2):
                text = f"day {day} note {k} by {i}"
                node.repo.add_note(Note(case_id=cases[i].id, text=text))
                written.append(text)
            export_files(node, shared)
        if day % 2 == 0:  # the office every other day
            report = import_paths(office, [shared])
            assert not report.failed, report.all_lines()
            left_alone += report.others
            if day == 12 and moved_case is None and 0 in cases:
                moved_case = cases[0].id  # Anna's first case goes to Cleo
                off.assign_case(office, moved_case, ids[2], reason="caseload")
            export_files(office, shared)
        assert not (shared / "quarantine").exists()

    # Last round: everyone imports what is left for them.
    import_paths(office, [shared])
    export_files(office, shared)
    for node in laptops:
        assert not import_paths(node, [shared]).failed
    import_paths(office, [shared])

    office_notes = {n.text for n in office.repo.all(Note)}
    assert set(written) <= office_notes
    assert len(written) >= 60
    assert left_alone > 0  # the folder really was shared
    assert moved_case is not None
    assert laptops[2].repo.get(Case, moved_case).assigned_to == ids[2]
    assert not any(p.suffix == ".ipsb" for p in shared.iterdir())  # nothing left over
