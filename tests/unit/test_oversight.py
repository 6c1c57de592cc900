"""Office actions beside import/export: preview, evaluations, subject access, retention."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ips_field.actions import office as ov
from ips_field.actions.office.documents import write_subject_access
from ips_field.actions.office.protection import erase
from ips_field.domain.records import Case, Child, CpdEntry, Evaluation, Family, Note
from ips_field.errors import IpsError
from sync import audit
from sync.exchange import export_bundle, import_bundle
from tests.office_world import World


def test_preview_applies_nothing_and_counts_new_ops(world: World) -> None:
    [bundle] = ov.inbox_files(world.inbox)
    before = len(world.office.repo.all(Note))
    preview = ov.preview_bundle(world.office, bundle)
    assert preview.ok and preview.sender == world.a and preview.by_kind == {"note": 1}
    assert preview.summary == "from Anna: 1 note (1 case)"
    assert len(world.office.repo.all(Note)) == before
    import_bundle(world.office, bundle, world.tmp / "q")
    again = export_bundle(world.anna, world.office.node_id, world.tmp / "again")
    assert ov.preview_bundle(world.office, again).summary == "from Anna: nothing new (0 cases)"


def test_preview_counts_records_in_plain_words(world: World) -> None:
    for old in ov.inbox_files(world.inbox):
        import_bundle(world.office, old, world.tmp / "q")
    repo = world.anna.repo
    case = repo.save(
        Case(reference="P-1", school="Hill School", opened_on="2026-11-02", assigned_to=world.a)
    )
    repo.save(case.replace(school="Hill Primary School"))  # two operations, one case
    repo.save(Family(case_id=case.id, family_name="Pryce", parents=[{"name": "Ann Pryce"}]))
    repo.save(Child(case_id=case.id, name="Tom", year_group="Year 3"))
    repo.save(Child(case_id=case.id, name="Ivy", year_group="Reception"))
    repo.save(CpdEntry(on="2026-11-03", title="Impartiality refresher", hours=2))
    bundle = export_bundle(world.anna, world.office.node_id, world.tmp / "more")
    preview = ov.preview_bundle(world.office, bundle)
    assert preview.new_ops == 6
    assert preview.summary == "from Anna: 1 case, 1 family, 2 children, 1 CPD entry (1 case)"


def test_preview_of_a_damaged_bundle_says_why(world: World, tmp_path: Path) -> None:
    [bundle] = ov.inbox_files(world.inbox)
    bad = tmp_path / "bad.ipsb"
    bad.write_bytes(bundle.read_bytes()[:-40])
    preview = ov.preview_bundle(world.office, bad)
    assert not preview.ok and preview.problem and "\n" not in preview.problem


def test_returned_evaluation_completes_the_sent_one(world: World) -> None:
    world.anna.repo.save(
        Evaluation(case_id=world.case_id, stage="closing", sent_on="2026-11-20", sent_how="email")
    )
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "e"), world.tmp
    )
    ov.record_returned_evaluation(
        world.office,
        world.case_id,
        respondent="parent",
        stage="closing",
        returned_on="2026-11-22",
        scores={"impartiality": 4},
        impartial=True,
    )
    [evaluation] = world.office.repo.all(Evaluation)
    assert (evaluation.sent_on, evaluation.returned_on) == ("2026-11-20", "2026-11-22")
    assert evaluation.scores == {"impartiality": 4}


def test_subject_access_export_holds_the_family_only(world: World, tmp_path: Path) -> None:
    other = world.anna.repo.save(
        Case(reference="A-002", school="Dale School", opened_on="2026-11-02", assigned_to=world.a)
    )
    world.anna.repo.save(
        Family(case_id=other.id, family_name="Otherfamily", parents=[{"name": "O P"}])
    )
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "s"), world.tmp
    )
    out = write_subject_access(world.office, world.case_id, "json", tmp_path / "sar.json")
    data = json.loads(out.read_text())
    assert data["subject_access_export"] == "A-001"
    assert {"case", "family", "note"} <= set(data["records"])
    assert "Quillfeather" in out.read_text() and "Otherfamily" not in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(IpsError, match="already exists"):
        write_subject_access(world.office, world.case_id, "json", out)
    assert audit.entries(world.office)[-1]["action"] == "subject_access"


def test_retention_schedule_lists_closed_cases_past_the_period(world: World) -> None:
    office = world.office
    case = office.repo.get(Case, world.case_id)
    office.repo.save(case.replace(status="closed", closed_on="2019-03-01", outcome="done"))
    office.save_state(retention_days=365)
    due = ov.retention_schedule(office, dt.date(2026, 11, 22))
    assert [(c.reference, passed) for c, passed in due] == [("A-001", dt.date(2020, 2, 29))]
    office.save_state(retention_days=10_000)
    assert ov.retention_schedule(office, dt.date(2026, 11, 22)) == []


def test_erasure_leaves_a_stub_and_an_audit_entry_without_names(world: World) -> None:
    requested = world.office.repo.time.today()
    stub = erase(
        world.office, "A-001", requested_on=requested, reason="asked", accept_warnings=True
    ).stub
    assert stub["records"] >= 3
    assert world.office.repo.raw("case", world.case_id) is None
    [entry] = [e for e in audit.entries(world.office) if e["action"] == "erase"]
    assert entry["detail"].startswith("A-001")
    assert "Quillfeather" not in json.dumps(audit.entries(world.office))
    assert audit.verify(world.office).ok
