"""Report figures against a master record built by hand, each figure counted by hand.

Period: October 2026. Two volunteers, Vera (v1) and Wes (v2). Records just outside the
period (30 September, 1 and 2 November) are there to be left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.actions.office.report_figures import build_report, to_csv, to_markdown
from ips_field.domain.records import (
    Case,
    ConflictCheck,
    Consent,
    Contact,
    CpdEntry,
    Evaluation,
    Interest,
    Meeting,
    Note,
    Signposting,
    SupervisionEntry,
)
from ips_field.store.repository import OUTBOX, Repository
from ips_field.store.table import MemoryStore

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
NAMES = {"v1": "Vera", "v2": "Wes"}
TYPES = {"ehc_annual_review": "EHC plan annual review", "exclusion": "Exclusion"}
FLAG = [{"phrase": "you should", "alternative": "one option is"}]


@pytest.fixture
def master() -> Repository:
    vera = Repository(MemoryStore(), node_id="v1")

    class Wes:
        """Saves through the same store, then marks the record as written by Wes."""

        @staticmethod
        def save(record):
            saved = vera.save(record)
            vera.table(saved.KIND).put({**vera.raw(saved.KIND, saved.id), "origin": "v2"})
            return saved

    wes = Wes()

    def case(ref: str, opened: str, closed: str | None = None) -> str:
        extra = {"status": "closed", "closed_on": closed, "outcome": "done"} if closed else {}
        c = Case(reference=ref, school="S", opened_on=opened, assigned_to="v1", **extra)
        return vera.save(c).id

    c1 = case("C1", "2026-09-15")  # open before and after: open at the end
    vera.save(Consent(case_id=c1, purpose="record", given_on="2026-09-15"))
    case("C2", "2026-10-03", "2026-10-20")  # opened and closed in October
    case("C3", "2026-10-10")  # opened, open at the end
    case("C4", "2026-11-02")  # after the period
    case("C5", "2026-08-01", "2026-11-05")  # closed after the end: open at the end

    def meeting(repo, kind: str, day: str, status: str, stated: bool) -> None:
        repo.save(
            Meeting(
                case_id=c1,
                meeting_type=kind,
                starts_at=f"{day}T10:00",
                status=status,
                role_stated_at=f"{day}T10:01:00" if stated else None,
            )
        )

    meeting(vera, "ehc_annual_review", "2026-10-05", "held", True)
    meeting(vera, "ehc_annual_review", "2026-10-12", "held", False)
    meeting(wes, "exclusion", "2026-10-30", "held", True)
    meeting(vera, "exclusion", "2026-10-20", "planned", False)  # not held: still planned
    meeting(wes, "exclusion", "2026-10-21", "cancelled", False)  # counted nowhere
    meeting(vera, "exclusion", "2026-11-20", "planned", False)  # after
    meeting(vera, "ehc_annual_review", "2026-09-30", "held", True)  # before

    vera.save(Contact(case_id=c1, on="2026-10-02", minutes=90))
    wes.save(Contact(case_id=c1, on="2026-10-15", minutes=30))
    vera.save(Contact(case_id=c1, on="2026-11-01", minutes=60))  # after

    vera.save(CpdEntry(on="2026-10-10", title="A", hours=2.0, topics=["impartiality"]))
    wes.save(
        CpdEntry(on="2026-10-11", title="B", hours=1.5, topics=["impartiality", "data_protection"])
    )
    wes.save(CpdEntry(on="2026-09-01", title="C", hours=3.0, topics=["equality"]))  # before

    vera.save(
        SupervisionEntry(
            on="2026-10-05",
            supervisor="Sue",
            impartiality_concern=True,
            coaching="Talked through neutral wording",
            follow_up_on="2026-11-05",
        )
    )
    vera.save(SupervisionEntry(on="2026-07-01", supervisor="Sue"))
    wes.save(SupervisionEntry(on="2026-06-01", supervisor="Sue"))  # 152 days before the end

    def evaluation(who: str, returned: str | None, scores: dict, impartial) -> None:
        vera.save(
            Evaluation(
                case_id=c1, respondent=who, returned_on=returned, scores=scores, impartial=impartial
            )
        )

    evaluation("parent", "2026-10-20", {"impartiality": 5, "preparation": 4}, True)
    evaluation("professional", "2026-10-25", {"impartiality": 3}, False)
    evaluation("parent", "2026-11-02", {"impartiality": 1}, False)  # after
    evaluation("parent", None, {}, None)  # sent, not returned

    for day, source in [
        ("2026-10-04", "IPSEA"),
        ("2026-10-09", "IPSEA"),
        ("2026-10-30", "ACE Education"),
        ("2026-11-01", "ACE Education"),
    ]:
        vera.save(Signposting(case_id=c1, source_id=source.lower(), source_name=source, on=day))

    vera.save(Interest(interest_type="governor", organisation="Hill", declared_on="2026-10-01"))
    vera.save(Interest(interest_type="governor", organisation="Dale", declared_on="2026-01-01"))
    for day, outcome in [
        ("2026-10-07", "block"),
        ("2026-10-08", "warn"),
        ("2026-10-09", "clear"),
        ("2026-11-03", "block"),
    ]:
        vera.save(
            ConflictCheck(
                case_id=c1,
                volunteer_id="v1",
                checked_at=f"{day}T09:00:00",
                outcome=outcome,
                override_reason="known" if outcome == "warn" else "",
            )
        )
    outbox = vera.table(OUTBOX)
    for n, (at, previous) in enumerate(
        [("2026-10-15T09:00:00", "v1"), ("2026-11-15T09:00:00", "v1"), ("2026-10-16T09:00", None)]
    ):
        outbox.put(
            {
                "id": f"assign-{n}",
                "seq": 10_000 + n,
                "kind": "case",
                "fields": {"assigned_to": "v2"},
                "previous_assignee": previous,
                "at": at,
            }
        )

    n1 = vera.add_note(
        Note(case_id=c1, text="You should ask", flags=FLAG, written_at="2026-10-05T10:00:00")
    )
    n2 = vera.add_note(
        Note(case_id=c1, text="You should go", flags=FLAG, written_at="2026-10-06T10:00:00")
    )
    vera.correct_note(n2.id, "One option is to go", "neutral wording")
    vera.add_note(Note(case_id=c1, text="You should", flags=FLAG, written_at="2026-11-02T10:00:00"))
    n4 = vera.add_note(
        Note(case_id=c1, text="You should stay", flags=FLAG, written_at="2026-10-07T10:00:00")
    )
    vera.delete(Note, n4.id)  # a tombstone counts nowhere
    vera.add_note(Note(case_id=c1, text="Parent's view", written_at="2026-10-08T10:00:00"))
    assert n1.flags
    return vera


@pytest.fixture
def report(master: Repository):
    return build_report(
        master, START, END, names=NAMES, supervision_interval_days=90, meeting_types=TYPES
    )


def test_every_figure(report) -> None:
    v = report.value
    assert (v("Cases", "opened"), v("Cases", "closed")) == (2, 1)
    assert v("Cases", "open at the end of the period") == 3
    assert report.section("Meetings held, by type").rows == [
        ("EHC plan annual review", 2),
        ("Exclusion", 1),
    ]
    assert report.section("Meetings held, per volunteer").rows == [
        ("Vera", 2),
        ("Wes", 1),
        ("with the role statement recorded", 2),
        ("planned in the period, not marked held", 1),
    ]
    assert report.section("Volunteer hours (contacts and CPD)").rows == [
        ("Vera", 3.5),
        ("Wes", 2.0),
    ]
    # A (2 h, impartiality) and B (1.5 h, impartiality + data protection): B is shared,
    # 0.75 h each, so the topics add up to the 3.5 h of CPD in the period.
    assert report.section("CPD hours by topic").rows == [
        ("data protection", 0.75),
        ("impartiality", 2.75),
        ("all topics (total)", 3.5),
    ]
    assert report.section("Supervision").rows == [
        ("Vera", 1),
        ("volunteers overdue at the end of the period", 1),
        ("impartiality concerns raised", 1),
    ]
    assert report.section("Evaluations returned").rows == [
        ("parents", 1),
        ("school professionals", 1),
    ]
    # Parents and school professionals apart: averaged together the impartiality score
    # was (5 + 3) / 2 = 4.0, which is nobody's answer.
    assert report.section("Average evaluation scores, parents (1 to 5)").rows == [
        ("Preparation", 4.0),
        ("Impartiality", 5.0),
    ]
    assert report.section("Average evaluation scores, school professionals (1 to 5)").rows == [
        ("Impartiality", 3.0),
    ]
    assert report.section("Impartiality (evaluations), parents").rows == [("impartial", 1)]
    assert report.section("Impartiality (evaluations), school professionals").rows == [
        ("not impartial", 1)
    ]
    assert report.section("Signposting given").rows == [("ACE Education", 1), ("IPSEA", 2)]
    assert report.section("Conflicts of interest").rows == [
        ("interests declared", 1),
        ("checks that blocked", 1),
        ("checks that warned", 1),
        ("of those checks, made on volunteers' laptops", 2),
        ("of those checks, made at the office", 0),
        ("cases reassigned by the office", 1),
    ]
    assert v("Neutral language", "notes flagged for review") == 1
    assert report.title == "Monthly performance monitoring"


def test_supervision_overdue_counts_only_volunteers_serving_at_the_end(master) -> None:
    def overdue(serving: dict) -> int | float:
        report = build_report(master, START, END, names=NAMES, serving=serving)
        return report.value("Supervision", "volunteers overdue at the end of the period")

    # Wes was last supervised on 1 June, 152 days before the end: overdue while serving.
    assert overdue({"v1": ("2026-01-01", None), "v2": ("2026-01-01", None)}) == 1
    assert overdue({"v1": ("2026-01-01", None), "v2": ("2026-01-01", "2026-10-20")}) == 0
    assert overdue({"v2": ("2026-01-01", "2026-11-10")}) == 1  # revoked after the end
    assert overdue({"v3": ("2026-11-01", None)}) == 0  # enrolled after the end
    assert overdue({"v3": ("2026-09-01", None)}) == 1  # never supervised


def test_annual_report_over_the_year(master) -> None:
    report = build_report(master, dt.date(2026, 1, 1), END, names=NAMES, kind="annual")
    assert report.title == "Annual report"
    assert report.value("Cases", "opened") == 4  # C1, C2, C3 and C5 (C4 is in November)
    assert report.value("Volunteer hours (contacts and CPD)", "Wes") == 5.0  # 0.5 + 1.5 + 3


def test_the_report_names_no_family_child_or_school(master) -> None:
    from ips_field.domain.records import Child, Family

    case = master.all(Case)[0]
    master.save(Family(case_id=case.id, family_name="Quillfeather", parents=[{"name": "Ada"}]))
    master.save(Child(case_id=case.id, name="Tobias", year_group="Year 4"))
    master.save(case.replace(school="Larkspur Academy"))
    report = build_report(master, START, END, names=NAMES)
    for text in (to_markdown(report), to_csv(report)):
        for secret in ("Quillfeather", "Ada", "Tobias", "Larkspur", "C1", "You should"):
            assert secret not in text


def test_markdown_and_csv_hold_the_same_figures(report) -> None:
    md = to_markdown(report)
    assert md.startswith("# Monthly performance monitoring\n\nPeriod: 2026-10-01 to 2026-10-31")
    assert "| opened | 2 |" in md and "| Vera | 3.5 h |" in md
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == ["section", "label", "value"]
    assert ["Cases", "open at the end of the period", "3"] in rows
    assert ["Signposting given", "IPSEA", "2"] in rows
    assert len(rows) == 1 + sum(len(s.rows) for s in report.sections)


# -- the command line contract ---------------------------------------------------------------


@pytest.fixture
def office_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from ips_field.actions.office import init_office
    from ips_field.store.store import KdfParams

    path = tmp_path / "office.ipsf"
    node = init_office(
        path, "office words here", "rk", tmp_path / "rk.key", kdf=KdfParams.FOR_TESTS
    )
    node.repo.save(Case(reference="R1", school="Secret School", opened_on="2026-10-03"))
    node.store.close()
    monkeypatch.setenv("IPS_OFFICE_PASSPHRASE", "office words here")
    return path


def run(*args: str):
    from ips_field.cli.office import main

    return CliRunner().invoke(main, list(args))


def test_report_command_writes_the_file(office_store: Path, tmp_path: Path) -> None:
    from ips_field.actions.office import open_office
    from sync import audit

    out = tmp_path / "oct.csv"
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv",
        "--out", str(out), "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["section", "label", "value", "a_year_earlier"]
    assert ["Cases", "opened", "1", "0"] in rows
    assert "Secret School" not in out.read_text() and "R1" not in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert result.stdout == ""
    [warning] = result.stderr.splitlines()
    assert str(out) in warning and "outside the encrypted record" in warning
    node = open_office(office_store, "office words here")
    try:
        last = audit.entries(node)[-1]
    finally:
        node.store.close()
    assert (last["action"], last["detail"]) == ("report", "2026-10-01..2026-10-31 csv exported")


def test_report_command_markdown(office_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "oct.md"
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "md",
        "--out", str(out), "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Monthly performance monitoring") and "| opened | 1 | 0 |" in text
    assert "Secret School" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-10-31"], "--from needs a date"),
        (["--from", "2026-10-01", "--to", "31/10/2026"], "--to needs a date"),
        (["--from", "2026-10-31", "--to", "2026-10-01"], "--from is after --to"),
        (["--from", "2026-10-01"], "--to is needed"),
        (["--from", "2026-10-01", "--to", "2026-10-31", "--format", "xls"], "md, csv, docx or pdf"),
        (["--from", "2026-10-01", "--to", "2026-10-31", "--out", "."], "is a folder"),
        (["--from", "2026-10-01", "--to", "2026-10-31", "--out", "no/r.md"], "does not exist"),
    ],
)
def test_report_command_errors_are_one_line_and_write_nothing(
    office_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    defaults = {"--format": "md", "--out": "r.md"}
    extra = [x for flag, value in defaults.items() if flag not in args for x in (flag, value)]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("report", *args, *extra, "--store", str(office_store))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ips-office:") and message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_report_command_never_overwrites(office_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    out.write_text("keep me")
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "md",
        "--out", str(out), "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_text() == "keep me"
