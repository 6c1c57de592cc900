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

from ips_field.domain.records import (
    Case,
    ConflictCheck,
    Contact,
    CpdEntry,
    Evaluation,
    Interest,
    Meeting,
    Note,
    Signposting,
    SupervisionEntry,
)
from ips_field.services.reports import build_report, to_csv, to_markdown
from ips_field.store.repository import OUTBOX, Repository
from ips_field.store.table import MemoryStore

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
NAMES = {"v1": "Vera", "v2": "Wes"}
TYPES = {"ehc_annual_review": "EHC plan annual review", "exclusion": "Exclusion"}
FLAG = [{"phrase": "you should", "alternative": "one option is"}]


@pytest.fixture
def report():
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
    meeting(vera, "exclusion", "2026-10-20", "planned", False)  # not held
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
    assert n1.flags
    return build_report(
        vera, START, END, names=NAMES, supervision_interval_days=90, meeting_types=TYPES
    )


def test_every_figure(report) -> None:
    v = report.value
    assert (v("Cases", "opened"), v("Cases", "closed")) == (2, 1)
    assert v("Cases", "open at the end of the period") == 3
    assert report.section("Meetings held, by type").rows == [
        ("EHC plan annual review", 2),
        ("Exclusion", 1),
    ]
    assert report.section("Meetings per volunteer").rows == [
        ("Vera", 2),
        ("Wes", 1),
        ("with the role statement recorded", 2),
    ]
    assert report.section("Volunteer hours (contacts and CPD)").rows == [
        ("Vera", 3.5),
        ("Wes", 2.0),
    ]
    assert report.section("CPD hours by topic").rows == [
        ("data protection", 1.5),
        ("impartiality", 3.5),
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
    assert report.section("Average evaluation scores (1 to 5)").rows == [
        ("Preparation", 4.0),
        ("Impartiality", 4.0),
    ]
    assert report.section("Impartiality (evaluations)").rows == [
        ("impartial", 1),
        ("not impartial", 1),
    ]
    assert report.section("Signposting given").rows == [("ACE Education", 1), ("IPSEA", 2)]
    assert report.section("Conflicts of interest").rows == [
        ("interests declared", 1),
        ("checks that blocked", 1),
        ("checks that warned", 1),
        ("cases reassigned by the office", 1),
    ]
    assert v("Neutral language", "notes flagged for review") == 1


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
    from ips_field.store.store import KdfParams
    from sync.office import init_office

    path = tmp_path / "office.ipsf"
    node = init_office(
        path, "office words here", "rk", tmp_path / "rk.key", kdf=KdfParams.FOR_TESTS
    )
    node.repo.save(Case(reference="R1", school="Secret School", opened_on="2026-10-03"))
    node.store.close()
    monkeypatch.setenv("IPS_OFFICE_PASSPHRASE", "office words here")
    return path


def run(*args: str):
    from ips_field.office_cli import main

    return CliRunner().invoke(main, list(args))


def test_report_command_writes_the_file(office_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "oct.csv"
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv",
        "--out", str(out), "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ["Cases", "opened", "1"] in list(csv.reader(io.StringIO(out.read_text())))
    assert "Secret School" not in out.read_text() and "R1" not in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", "2026-10-31", "--from needs a date"),
        ("2026-10-31", "2026-10-01", "--from is after --to"),
    ],
)
def test_report_command_bad_dates(
    office_store: Path, tmp_path: Path, start: str, end: str, message: str
) -> None:
    out = tmp_path / "r.md"
    result = run(
        "report", "--from", start, "--to", end, "--format", "md", "--out", str(out),
        "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ips-office:") and message in lines[0]
    assert not out.exists()


def test_report_command_never_overwrites(office_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    out.write_text("keep me")
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "md",
        "--out", str(out), "--store", str(office_store),
    )  # fmt: skip
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_text() == "keep me"
