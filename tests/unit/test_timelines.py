"""Statutory timelines from the packaged rules: dates by hand, statuses, and the YAML checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.cli.volunteer import main
from ips_field.domain.records import KeyDate
from ips_field.domain.timelines import Inputs, case_milestones, compute, inputs_from
from ips_field.templates import PACKAGE_DIR, load_templates

D = dt.date


@pytest.fixture(scope="module")
def rules():
    templates, errors = load_templates()
    assert errors == []
    return templates.timelines


def dates_of(rules, kind: str, flags=(), **dates) -> dict[str, D]:
    return {m.id: m.date for m in compute(rules[kind], Inputs(dates, frozenset(flags)))}


def test_ehc_assessment_from_the_issue_example(rules) -> None:
    # Request received Tue 1 Dec 2026: 6 weeks -> Tue 12 Jan; 16 weeks (112 days: 30 + 31 +
    # 28 = 89 to 28 Feb, then 23) -> 23 Mar; 20 weeks (140 days) -> 20 Apr 2027.
    got = dates_of(rules, "ehc-assessment", assessment_requested=D(2026, 12, 1))
    assert got == {
        "decision_to_assess": D(2027, 1, 12),
        "decision_not_to_issue": D(2027, 3, 23),
        "final_plan": D(2027, 4, 20),
    }


def test_draft_comments_are_15_days_beginning_with_the_day_served(rules) -> None:
    got = dates_of(
        rules,
        "ehc-assessment",
        assessment_requested=D(2027, 1, 4),
        draft_plan_issued=D(2027, 2, 20),
    )
    # 20 Feb is day 1, 21 Feb day 2 ... 28 Feb day 9, 6 Mar day 15.
    assert got["draft_comments"] == D(2027, 3, 6)


def test_annual_review(rules) -> None:
    got = dates_of(
        rules,
        "annual-review",
        review_meeting_held=D(2027, 7, 20),
        amendment_notice_sent=D(2027, 8, 10),
    )
    # 20 Jul + 14 = 3 Aug; + 28 = 17 Aug; 10 Aug + 56 days = 21 to 31 Aug, 30 Sep, then 5 Oct.
    assert got == {
        "review_report": D(2027, 8, 3),
        "la_decision": D(2027, 8, 17),
        "amended_plan": D(2027, 10, 5),
    }


def test_next_review_counts_from_the_later_of_the_plan_and_the_last_review(rules) -> None:
    assert dates_of(rules, "plan-review", final_plan_issued=D(2028, 2, 29)) == {
        "next_review": D(2029, 2, 28)
    }
    got = dates_of(
        rules, "plan-review", final_plan_issued=D(2026, 1, 31), review_meeting_held=D(2026, 12, 3)
    )
    assert got == {"next_review": D(2027, 12, 3)}


@pytest.mark.parametrize(("post_16", "expected"), [(False, D(2027, 2, 15)), (True, D(2027, 3, 31))])
def test_phase_transfer(rules, post_16, expected) -> None:
    flags = {"post_16"} if post_16 else set()
    got = dates_of(rules, "phase-transfer", flags, phase_transfer_year=D(2027, 1, 1))
    assert got == {"amended_plan": expected}


@pytest.mark.parametrize(
    ("decision", "certificate", "expected"),
    [
        # 2 months -> 1 Dec; the certificate's month -> 29 Dec, later, in the Christmas window.
        (D(2026, 10, 1), D(2026, 11, 29), D(2027, 1, 4)),
        (D(2026, 10, 31), None, D(2027, 1, 4)),  # 31 Dec -> next working day in January
        (D(2026, 12, 31), None, D(2027, 3, 1)),  # 28 Feb 2027 is a Sunday
        (D(2027, 6, 10), None, D(2027, 9, 1)),  # 10 Aug -> first working day in September
        (D(2027, 1, 10), D(2027, 2, 20), D(2027, 3, 22)),  # certificate later; Sat 20 Mar
        (D(2027, 1, 10), D(2027, 1, 20), D(2027, 3, 10)),  # decision later
        (D(2027, 1, 26), None, D(2027, 3, 30)),  # 26 Mar Good Friday, Easter Monday
        (D(2027, 12, 29), None, D(2028, 2, 29)),  # leap year end of February
    ],
)
def test_appeal_deadline(rules, decision, certificate, expected) -> None:
    dates = {"decision_letter": decision}
    if certificate:
        dates["mediation_certificate"] = certificate
    assert dates_of(rules, "appeal", **dates) == {"appeal_deadline": expected}


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (D(2027, 1, 31), D(2027, 3, 1), D(2027, 4, 30)),  # 28 Feb is a Sunday
        (D(2028, 1, 31), D(2028, 2, 29), D(2028, 5, 2)),  # Sun 30 Apr; Mon 1 May is May Day
        (D(2026, 11, 25), D(2026, 12, 29), D(2027, 2, 25)),  # Christmas, Boxing Day kept Mon
        (D(2027, 2, 26), D(2027, 3, 30), D(2027, 5, 26)),  # Good Friday and Easter Monday
        (D(2026, 11, 22), D(2026, 12, 22), D(2027, 2, 22)),
    ],
)
def test_subject_access(rules, received, due, extended) -> None:
    assert dates_of(rules, "sar", sar_received=received) == {
        "response_due": due,
        "extended_due": extended,
    }


def key(which: str, on: str | None = None, **kw) -> KeyDate:
    return KeyDate(case_id="c1", which=which, on=on, **kw)


def statuses(rules, key_dates, today: D) -> dict[str, str]:
    found = case_milestones(rules, inputs_from(key_dates), today)
    return {f"{cm.milestone.kind}/{cm.milestone.id}": cm.status for cm in found}


def test_statuses_met_late_missed_soon_due(rules) -> None:
    kds = [
        key("assessment_requested", "2026-06-01"),
        key("decision_to_assess", "2026-07-10"),  # due 13 Jul: met
        key("draft_plan_issued", "2026-09-30"),  # 16 weeks was 21 Sep: late
    ]
    today = D(2026, 11, 22)
    got = statuses(rules, kds, today)
    assert got["ehc-assessment/decision_to_assess"] == "met"
    assert got["ehc-assessment/decision_not_to_issue"] == "late"
    assert got["ehc-assessment/final_plan"] == "missed"  # due 19 Oct, no final plan
    assert got["ehc-assessment/draft_comments"] == "passed"  # the parent's own time limit
    early = statuses(rules, kds[:1], D(2026, 7, 1))
    assert early["ehc-assessment/decision_to_assess"] == "soon"  # due 13 Jul, 12 days away
    assert early["ehc-assessment/final_plan"] == "due"


def test_refusing_the_assessment_ends_the_later_milestones(rules) -> None:
    kds = [key("assessment_requested", "2026-06-01"), key("assessment_refused", "2026-07-01")]
    got = statuses(rules, kds, D(2026, 11, 22))
    assert got == {"ehc-assessment/decision_to_assess": "met"}


def test_a_late_message_says_who_is_late(rules) -> None:
    kds = [key("review_meeting_held", "2026-10-01")]
    found = case_milestones(rules, inputs_from(kds), D(2026, 11, 22))
    la = next(cm for cm in found if cm.milestone.id == "la_decision")
    assert la.status == "missed"
    assert la.plain() == "The local authority is late: this was due by Thu 29 Oct 2026."
    report = next(cm for cm in found if cm.milestone.id == "review_report")
    assert report.plain().startswith("The school or setting is late")


def test_a_new_review_moves_the_next_review_and_deleted_dates_do_not_count(rules) -> None:
    kds = [key("final_plan_issued", "2025-06-01"), key("review_meeting_held", "2026-05-20")]
    found = case_milestones(rules, inputs_from(kds), D(2026, 11, 22))
    nxt = next(cm for cm in found if cm.milestone.id == "next_review")
    assert (nxt.milestone.date, nxt.status) == (D(2027, 5, 20), "due")
    gone = [kds[0], key("review_meeting_held", "2026-05-20", deleted=True)]
    found = case_milestones(rules, inputs_from(gone), D(2026, 11, 22))
    nxt = next(cm for cm in found if cm.milestone.id == "next_review")
    assert (nxt.milestone.date, nxt.status) == (D(2026, 6, 1), "missed")


def test_phase_transfer_year_key_date(rules) -> None:
    kds = [key("phase_transfer_year", year=2027, post_16=True)]
    found = case_milestones(rules, inputs_from(kds), D(2026, 11, 22))
    assert [(cm.milestone.id, cm.milestone.date) for cm in found] == [
        ("amended_plan", D(2027, 3, 31))
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"which": "nonsense", "on": "2026-01-01"}, "which"),
        ({"which": "decision_letter", "on": "31/01/2026"}, "on"),
        ({"which": "decision_letter"}, "on"),
        ({"which": "phase_transfer_year", "year": "2027"}, "year"),
        ({"which": "phase_transfer_year", "year": 3000}, "year"),
        ({"which": "phase_transfer_year", "year": True}, "year"),
        ({"which": ["decision_letter"], "on": "2026-01-01"}, "which"),
        ({"which": "decision_letter", "on": 20260101}, "on"),
        ({"which": "decision_letter", "on": "9999-12-31"}, "on"),
        ({"which": "phase_transfer_year", "year": 2027, "post_16": "yes"}, "post_16"),
    ],
)
def test_key_date_validation(fields, field) -> None:
    from ips_field.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        KeyDate(case_id="c1", **fields).validate()
    assert field in exc.value.errors


# --- the YAML -----------------------------------------------------------------------------


def override(tmp_path: Path, old: str, new: str) -> list:
    text = (PACKAGE_DIR / "timelines.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "timelines.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    templates, errors = load_templates(tmp_path)
    return templates, [str(e) for e in errors]


def line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "timelines.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "{assessment_requested: 6 weeks}",
            "{assessment_requested: six weeks}",
            "six weeks",
            "field 'assessment_requested' is not a period",
        ),
        (
            "{assessment_requested: 6 weeks}",
            "{assesment_requested: 6 weeks}",
            "assesment_",
            "field 'after' 'assesment_requested' is not a key date",
        ),
        ("adjust: tribunal", "adjust: christmas", "christmas", "field 'adjust' must be one of"),
        ("who: parent", "who: judge", "judge", "field 'who' must be one of"),
        (
            '{phase_transfer_year: "15 February"}',
            '{phase_transfer_year: "30 February"}',
            "30 February",
            "must be a day of the year",
        ),
        (
            "    name: Subject access request\n",
            "    name: Subject access request\n    nmae: x\n",
            "nmae",
            "field 'nmae' is not a known field",
        ),
    ],
)
def test_an_override_mistake_names_file_line_and_field(tmp_path, old, new, needle, message):
    templates, errors = override(tmp_path, old, new)
    assert len(errors) == 1
    assert errors[0].startswith(f"timelines.yaml line {line_of(tmp_path, needle)}: "), errors
    assert message in errors[0]
    # The packaged rules are used instead.
    assert templates.timelines["ehc-assessment"].milestones[0].after[0].count == 6


def test_a_missing_source_is_named_at_its_milestone(tmp_path) -> None:
    old = (
        '        source: "UK GDPR Art. 12(3); ICO guidance on the right of access (time limits)"\n'
    )
    _, errors = override(tmp_path, old, "")
    assert len(errors) == 1
    assert errors[0].startswith(f"timelines.yaml line {line_of(tmp_path, 'id: response_due')}:")
    assert "field 'source' is missing" in errors[0]


def test_an_override_can_change_a_rule(tmp_path) -> None:
    templates, errors = override(tmp_path, "{sar_received: 1 month}", "{sar_received: 20 days}")
    assert errors == []
    got = {
        m.id: m.date
        for m in compute(templates.timelines["sar"], Inputs({"sar_received": D(2027, 3, 1)}))
    }
    assert got["response_due"] == D(2027, 3, 22)  # 21 Mar is a Sunday


def test_every_packaged_rule_has_a_source_and_some_text(rules) -> None:
    for timeline in rules.values():
        for m in timeline.milestones:
            assert m.source and m.rule and m.met_by, m.id
            assert any(w in m.source for w in ("Regulations", "Rules", "GDPR", "Act")), m.id


# --- the command line ---------------------------------------------------------------------


def run(args: list[str]):
    return CliRunner().invoke(main, ["timeline", *args])


def test_cli_json_contract() -> None:
    result = run(
        ["appeal", "--decision", "01/10/2026", "--certificate", "2026-11-29", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "appeal"
    assert [(m["id"], m["date"]) for m in data["milestones"]] == [("appeal_deadline", "2027-01-04")]
    assert set(data["milestones"][0]) == {"id", "date", "rule", "source"}
    assert "Tribunal Procedure" in data["milestones"][0]["source"]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (
            ["ehc-assessment", "--request", "2026-12-01"],
            ["decision_to_assess", "decision_not_to_issue", "final_plan"],
        ),
        (
            ["ehc-assessment", "--request", "2026-12-01", "--draft", "2027-03-01"],
            ["decision_to_assess", "decision_not_to_issue", "draft_comments", "final_plan"],
        ),
        (["annual-review", "--meeting", "2027-07-20"], ["review_report", "la_decision"]),
        (
            ["annual-review", "--meeting", "2027-07-20", "--amendment-notice", "2027-08-10"],
            ["review_report", "la_decision", "amended_plan"],
        ),
        (["phase-transfer", "--year", "2027"], ["amended_plan"]),
        (["phase-transfer", "--year", "2027", "--post-16"], ["amended_plan"]),
        (["sar", "--received", "2027-01-31"], ["response_due", "extended_due"]),
    ],
)
def test_cli_milestone_ids(args, ids) -> None:
    result = run([*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [m["id"] for m in json.loads(result.stdout)["milestones"]] == ids


def test_cli_text_format() -> None:
    result = run(["sar", "--received", "31/01/2027"])
    assert result.exit_code == 0
    assert "response_due" in result.stdout and "2027-03-01 (Mon)" in result.stdout
    assert "source: UK GDPR" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["appeal"],
        ["appeal", "--decision", "31/02/2026"],
        ["appeal", "--decision", "9999-12-31"],
        ["sar", "--received", "0001-01-01"],
        ["appeal", "--decision", "2026-10-01", "--certificate", "yesterday"],
        ["sar", "--received", "2026-13-01"],
        ["phase-transfer", "--year", "twenty"],
        ["phase-transfer"],
        ["ehc-assessment", "--draft", "2026-12-01"],
        ["sar", "--received", "2027-01-31", "--format", "xml"],
        ["nope"],
        [],
    ],
)
def test_cli_errors_are_one_line_and_exit_1(args) -> None:
    result = run(args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ips-field: "), result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_cli_uses_a_service_override_and_warns_about_a_broken_one(tmp_path, monkeypatch) -> None:
    text = (PACKAGE_DIR / "timelines.yaml").read_text(encoding="utf-8")
    (tmp_path / "timelines.yaml").write_text(
        text.replace("{sar_received: 1 month}", "{sar_received: 20 days}"), encoding="utf-8"
    )
    monkeypatch.setenv("IPS_FIELD_TEMPLATES", str(tmp_path))
    result = run(["sar", "--received", "2027-03-01", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["milestones"][0]["date"] == "2027-03-22"
    (tmp_path / "timelines.yaml").write_text("timelines: [", encoding="utf-8")
    result = run(["sar", "--received", "2027-03-01", "--format", "json"])
    assert result.exit_code == 0  # the packaged rules answer; the mistake is named
    assert json.loads(result.stdout)["milestones"][0]["date"] == "2027-04-01"
    assert result.stderr.startswith("ips-field: warning: timelines.yaml line 1")


def test_docs_list_every_packaged_milestone(rules) -> None:
    docs = (Path(__file__).parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")
    for kind in rules.values():
        assert f"`{kind.id}`" in docs
        for m in kind.milestones:
            assert f"`{m.id}`" in docs, m.id


def test_a_stored_date_no_calendar_can_count_from_shows_nothing_rather_than_failing(rules):
    # A record that skipped validation (an old store, a bug): the screen must still open.
    odd = KeyDate(case_id="c1", which="decision_letter", on="9999-12-15")
    assert case_milestones(rules, inputs_from([odd]), D(2026, 11, 22)) == []
