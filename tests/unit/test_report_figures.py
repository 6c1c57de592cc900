"""Every figure the monthly and the annual report print, traced to a master record counted
by hand (issue 14 point 8).

The records are made where they are made in real use: on Anna's and Ben's laptops (sent to
the office in real bundles) and at the office (assignments through the conflict check,
returned evaluations typed in). The report is the one ``ips-office report`` writes
(``actions.office.documents``), read back from its printed Markdown.

What the office world (``tests/office_world.py``) already holds:
  case A-001 (Anna, Hill School, opened 1 Nov 2026, open, no referral source); two notes on
  it written 22 Nov, one flagged for directive wording; Anna's CPD 2 Mar 2026, 3 h,
  impartiality; Anna's supervision 1 Oct 2026; Ben's interest: governor at Hill School,
  declared 5 Jan 2026. Today is 22 Nov 2026.

Added here (all dates 2026):
  Anna:  A-002 opened 10 Oct (school referral), closed 12 Nov; A-003 opened 15 Nov (parent
         referral), family in Northfield. Meetings: A-001 exclusion held 5 Nov with the role
         statement, A-001 annual review planned 25 Nov, A-002 annual review held 15 Oct with
         the role statement. Contacts: A-001 3 Nov 60 min, A-002 20 Oct 30 min. CPD 10 Nov
         4 h, impartiality + safeguarding. Interest: home area Northfield, 14 Nov. Laptop
         check on A-003: warned (home area), continued with a reason. Evaluations sent on
         A-002 on 12 Nov (parent, professional) and on A-001 on 6 Nov (parent, midway).
  Ben:   B-001 opened 18 Nov at Hill School (school referral): his laptop's check blocks it.
         CPD 11 Nov 1.5 h no topic; 12 Nov 3 h sen law + impartiality + data protection.
         Supervision 15 Nov with an impartiality concern. Interest: home area Northfield,
         16 Nov.
  Office: A-001 to Ben: blocked (governor at Hill School). A-003 to Ben: warned (home
         area), reassigned with a reason. Returned: A-002 parent 14 Nov (impartiality 5,
         preparation 4, stayed impartial), A-002 professional 13 Nov (impartiality 2,
         knowledge of SEN 4, not impartial). One parent evaluation on A-002 saved at the
         office with answers (impartiality 1, not impartial) but no return date (before the
         date was required): by the rule it counts on the day it was recorded, 22 Nov.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ips_field.actions.office import record_returned_evaluation
from ips_field.actions.office.assignment import assign
from ips_field.actions.office.documents import monitoring_for, report_bytes
from ips_field.actions.office.report_figures import CPD_RULE
from ips_field.actions.volunteer.conflict_checks import run_conflict_check
from ips_field.domain.records import (
    Case,
    Consent,
    Contact,
    CpdEntry,
    Evaluation,
    Family,
    Interest,
    Meeting,
    SupervisionEntry,
)
from ips_field.errors import ValidationError
from sync.exchange import export_bundle, import_bundle
from tests.office_world import World

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
EXCLUSION, REVIEW = "Exclusion or suspension", "EHC plan annual review"


def printed(md: str) -> dict[str, dict[str, str]]:
    """{section: {label: this period's figure as printed}} from the report's Markdown."""
    out: dict[str, dict[str, str]] = {}
    section = ""
    for line in md.splitlines():
        if line.startswith("### "):  # the document's level-2 headings
            section = line[4:]
            out[section] = {}
        elif line.startswith("| ") and section and not line.startswith(("| --", "|  |")):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            out[section][cells[0]] = cells[1]
    return out


@pytest.fixture
def master(world: World, tmp_path: Path) -> World:
    w = world
    anna, ben = w.anna.repo, w.ben.repo

    def case(repo, ref: str, opened: str, school: str, source: str, **closed) -> str:
        return repo.save(
            Case(
                reference=ref,
                school=school,
                opened_on=opened,
                assigned_to=repo.node_id,
                referral_source=source,
                **closed,
            )
        ).id

    a2 = case(
        anna, "A-002", "2026-10-10", "Brook School", "school",
        status="closed", closed_on="2026-11-12", outcome="Plan agreed",
    )  # fmt: skip
    # the parent's consent to keep a record, before any meeting (the repository's rule)
    anna.save(Consent(case_id=a2, purpose="record", given_by="Sam", given_on="2026-10-10"))
    a3 = case(anna, "A-003", "2026-11-15", "Oak School", "parent")
    anna.save(
        Family(case_id=a3, family_name="Fenwick", area="Northfield", parents=[{"name": "Jo"}])
    )
    b1 = case(ben, "B-001", "2026-11-18", "Hill School", "school")

    def meeting(case_id: str, kind: str, day: str, status: str) -> None:
        stated = f"{day}T10:01:00" if status == "held" else None
        anna.save(
            Meeting(
                case_id=case_id,
                meeting_type=kind,
                starts_at=f"{day}T10:00",
                status=status,
                role_stated_at=stated,
            )
        )

    meeting(w.case_id, "exclusion", "2026-11-05", "held")
    meeting(w.case_id, "ehc_annual_review", "2026-11-25", "planned")
    meeting(a2, "ehc_annual_review", "2026-10-15", "held")
    anna.save(Contact(case_id=w.case_id, on="2026-11-03", minutes=60))
    anna.save(Contact(case_id=a2, on="2026-10-20", minutes=30))
    anna.save(
        CpdEntry(on="2026-11-10", title="T", hours=4.0, topics=["impartiality", "safeguarding"])
    )
    ben.save(CpdEntry(on="2026-11-11", title="U", hours=1.5))
    ben.save(
        CpdEntry(
            on="2026-11-12", title="V", hours=3.0,
            topics=["sen_law", "impartiality", "data_protection"],
        )
    )  # fmt: skip
    ben.save(
        SupervisionEntry(
            on="2026-11-15", supervisor="Sue", impartiality_concern=True,
            coaching="Neutral wording", follow_up_on="2026-12-15",
        )
    )  # fmt: skip
    anna.save(Interest(interest_type="home_area", area="Northfield", declared_on="2026-11-14"))
    ben.save(Interest(interest_type="home_area", area="Northfield", declared_on="2026-11-16"))
    assert run_conflict_check(anna, a3, trigger="t").check is None  # warned: waits for a reason
    warned = run_conflict_check(anna, a3, trigger="t", override_reason="Other end of the area")
    assert warned.check is not None and warned.check.outcome == "warn"
    blocked = run_conflict_check(ben, b1, trigger="case created")
    assert blocked.check is not None and blocked.check.outcome == "block"
    for respondent, stage, on, case_id in [
        ("parent", "closing", "2026-11-12", a2),
        ("professional", "closing", "2026-11-12", a2),
        ("parent", "midway", "2026-11-06", w.case_id),
    ]:
        anna.save(Evaluation(case_id=case_id, stage=stage, respondent=respondent, sent_on=on))

    for node in (w.anna, w.ben):
        bundle = export_bundle(node, w.office.node_id, tmp_path / "stick")
        assert import_bundle(w.office, bundle, tmp_path / "q").status == "imported"

    office = w.office
    with pytest.raises(ValidationError, match="Blocked"):
        assign(office, w.case_id, w.b)
    with pytest.raises(ValidationError, match="give a reason"):
        assign(office, a3, w.b)  # a warning without a reason: nothing kept
    assign(office, a3, w.b, reason="Ben lives far from the family")
    record_returned_evaluation(
        office, a2, respondent="parent", stage="closing", returned_on="2026-11-14",
        scores={"impartiality": 5, "preparation": 4}, impartial=True, comments="Very fair",
    )  # fmt: skip
    record_returned_evaluation(
        office, a2, respondent="professional", stage="closing", returned_on="2026-11-13",
        scores={"impartiality": 2, "sen_knowledge": 4}, impartial=False,
    )  # fmt: skip
    office.repo.save(
        Evaluation(
            case_id=a2, stage="midway", respondent="parent", sent_on="2026-10-01",
            scores={"impartiality": 1}, impartial=False,
        )
    )  # fmt: skip
    return w


def report(w: World, period: tuple[dt.date, dt.date]) -> dict[str, dict[str, str]]:
    mon = monitoring_for(w.office, *period)
    return printed(report_bytes(mon, "md").decode())


def test_monthly_report_figures(master: World) -> None:
    r = report(master, NOVEMBER)
    # Opened in November: A-001 (1st), A-003 (15th), B-001 (18th). Closed: A-002 (12th).
    # Open on 30 November, B-001.
    assert r["Cases"] == {"opened": "3", "closed": "1", "open at the end of the period": "3"}
    assert r["Cases opened, by referral source"] == {
        "not recorded": "1",
        "School or setting": "1",  # B-001
        "The parent or carer": "1",
    }
    # First meeting: A-001 the exclusion meeting of 5 Nov; A-003 and B-001 none yet.
    assert r["Cases opened, by type of first meeting"] == {EXCLUSION: "1", "no meeting yet": "2"}
    # Held in November: A-001's exclusion meeting only (A-002's review was 15 October).
    assert r["Meetings held, by type"] == {EXCLUSION: "1"}
    assert r["Meetings held, per volunteer"] == {
        "Anna": "1",
        "with the role statement recorded": "1",
        "planned in the period, not marked held": "1",  # A-001's review on 25 Nov
    }
    # Anna: 60 min of contact + 4 h CPD = 5 h. Ben: CPD 1.5 h + 3 h = 4.5 h.
    assert r["Volunteer hours (contacts and CPD)"] == {"Anna": "5 h", "Ben": "4.5 h"}
    # Shared: Anna's 4 h gives impartiality 2, safeguarding 2; Ben's 3 h gives sen law,
    # impartiality and data protection 1 each; his 1.5 h has no topic (general).
    # Impartiality 2 + 1 = 3; all topics 2 + 1 + 1.5 + 1 + 2 = 8.5 = 4 + 1.5 + 3, the CPD
    # hours in the volunteer hours above (counting each topic in full would say 18.5 h).
    assert r["CPD hours by topic"] == {
        "data protection": "1 h",
        "general": "1.5 h",
        "impartiality": "3 h",
        "safeguarding": "2 h",
        "sen law": "1 h",
        "all topics (total)": "8.5 h",
    }
    # Ben on 15 Nov, with a concern. Overdue on 30 Nov (interval 90 days): Anna's last was
    # 1 Oct (60 days), Ben's 15 Nov: none.
    assert r["Supervision"] == {
        "Ben": "1",
        "volunteers overdue at the end of the period": "0",
        "impartiality concerns raised": "1",
    }
    # Sent in November: parents A-002 closing (12th) and A-001 midway (6th); of those only
    # A-002's came back. Professionals: A-002 closing, back. Returned in November: parents
    # A-002 closing (14th) and the one with answers but no date (recorded 22nd); the
    # professional's (13th).
    assert r["Evaluations sent and returned"] == {
        "parents: sent": "2",
        "parents: of those, returned": "1",
        "parents: response rate (%)": "50",
        "parents: returned in the period": "2",
        "school professionals: sent": "1",
        "school professionals: of those, returned": "1",
        "school professionals: response rate (%)": "100",
        "school professionals: returned in the period": "1",
    }
    # Parents: impartiality (5 + 1) / 2 = 3, preparation 4. Professional: 2 and 4.
    assert r["Average evaluation scores, parents (1 to 5)"] == {
        "Preparation": "4",
        "Impartiality": "3",
    }
    assert r["Average evaluation scores, school professionals (1 to 5)"] == {
        "Knowledge of SEN": "4",
        "Impartiality": "2",
    }
    # The undated "No" is counted, not lost.
    assert r["Did the volunteer stay impartial? (parents)"] == {
        "not impartial": "1",
        "stayed impartial": "1",
    }
    assert r["Did the volunteer stay impartial? (school professionals)"] == {"not impartial": "1"}
    assert r["Signposting given"] == {}
    # Given in November: A-001's consent to keep a record (the 1st, in the office world);
    # A-002's was given on 10 October.
    assert r["Consents"] == {"Keep a record of the case": "1", "consents withdrawn": "0"}
    # Declared in November: Anna's and Ben's home areas. Blocked: Ben's laptop on B-001 and
    # the office's A-001 to Ben. Warned: Anna's laptop on A-003 and the office's A-003 to
    # Ben (the warning without a reason kept nothing). Reassigned: A-003, Anna to Ben.
    assert r["Conflicts of interest, and how they were handled"] == {
        "interests declared by volunteers": "2",
        "blocked: the case went to another volunteer": "2",
        "warned: continued with a recorded reason": "2",
        "of those checks, made on volunteers' laptops": "2",
        "of those checks, made at the office": "2",
        "reassigned by the office": "1",
    }
    # The world's flagged note on A-001, written 22 Nov.
    assert r["Neutral language"] == {"notes flagged for review": "1"}
    assert r["Statutory timescales"] == {"dates missed or met late": "0"}


def test_annual_report_figures(master: World) -> None:
    r = report(master, YEAR)
    # Opened in 2026, B-001; closed A-002; open on 31 Dec: three.
    assert r["Cases"] == {"opened": "4", "closed": "1", "open at the end of the period": "3"}
    assert r["Meetings held, by type"] == {REVIEW: "1", EXCLUSION: "1"}
    assert r["Meetings held, per volunteer"] == {
        "Anna": "2",
        "with the role statement recorded": "2",
        "planned in the period, not marked held": "1",
    }
    # Anna: 60 + 30 min = 1.5 h, CPD 3 h (March) + 4 h = 8.5 h. Ben: 4.5 h.
    assert r["Volunteer hours (contacts and CPD)"] == {"Anna": "8.5 h", "Ben": "4.5 h"}
    # November's 8.5 h plus Anna's 3 h of impartiality in March.
    assert r["CPD hours by topic"]["impartiality"] == "6 h"
    assert r["CPD hours by topic"]["all topics (total)"] == "11.5 h"
    # Anna 1 Oct, Ben 15 Nov. On 31 Dec Anna's last session is 91 days old: overdue.
    assert r["Supervision"] == {
        "Anna": "1",
        "Ben": "1",
        "volunteers overdue at the end of the period": "1",
        "impartiality concerns raised": "1",
    }
    # The undated parent evaluation: sent 1 Oct, counted once, on 22 Nov.
    assert r["Evaluations sent and returned"]["parents: sent"] == "3"
    assert r["Evaluations sent and returned"]["parents: of those, returned"] == "2"
    assert r["Did the volunteer stay impartial? (parents)"] == {
        "not impartial": "1",
        "stayed impartial": "1",
    }
    # Ben's governorship (5 Jan) too.
    conflicts = r["Conflicts of interest, and how they were handled"]
    assert conflicts["interests declared by volunteers"] == "3"
    assert conflicts["of those checks, made at the office"] == "2"


def test_the_counting_rules_are_printed(master: World) -> None:
    md = report_bytes(monitoring_for(master.office, *NOVEMBER), "md").decode()
    assert f"*{CPD_RULE}*" in md
    assert "counted on their return date" in md


def test_a_volunteer_is_sent_only_the_conflict_checks_about_themselves(
    master: World, tmp_path: Path
) -> None:
    from ips_field.domain.records import ConflictCheck
    from sync.exchange import export_for

    w = master
    for node, vid in ((w.ben, w.b), (w.anna, w.a)):
        bundle = export_for(w.office, vid, tmp_path / f"to-{vid}")
        assert import_bundle(node, bundle, tmp_path / "q").status == "imported"
    # Ben now holds A-003: its snapshot brought the office's check for him (warned, with the
    # reason), not Anna's own check on it; the office's blocked check of Ben on A-001 went
    # to no one (Anna holds A-001 and must not learn of Ben's interests).
    bens = {
        (c.origin == w.office.node_id, c.volunteer_id, c.outcome)
        for c in w.ben.repo.all(ConflictCheck)
    }
    assert (True, w.b, "warn") in bens
    assert all(vid == w.b for _, vid, _ in bens)
    annas = w.anna.repo.all(ConflictCheck)
    assert annas and all(c.volunteer_id == w.a for c in annas)
