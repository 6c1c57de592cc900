"""Data protection at the office (issue 14, point 9): the request log with its time limits,
subject access through one action, erasure with its date, reason and warnings, and the
retention period, each audited in the same write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.actions import office as off
from ips_field.actions.office import protection as dp
from ips_field.cli.office import main as office_cli
from ips_field.domain.clock import FixedClock
from ips_field.domain.dp_requests import due_on
from ips_field.domain.records import Case
from ips_field.domain.timelines import Inputs, compute
from ips_field.errors import ValidationError
from ips_field.templates import load_templates
from sync import audit
from tests.office_world import OFFICE_PASS, World

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("received", "due", "extended_two"),
    [
        ("2026-11-02", "2026-12-02", "2027-02-02"),  # the corresponding date
        ("2026-03-31", "2026-04-30", "2026-06-30"),  # no 31 April: the month's last day
        ("2026-01-31", "2026-03-02", "2026-04-30"),  # 28 February 2026 is a Saturday
        ("2026-11-30", "2026-12-30", "2027-03-01"),  # 28 February 2027 is a Sunday
    ],
)
def test_one_calendar_month_from_receipt(received: str, due: str, extended_two: str) -> None:
    assert due_on(D(received)) == D(due)
    assert due_on(D(received), 2) == D(extended_two)
    # the same rule as the statutory "sar" timeline the volunteer app and the CLI use
    sar = load_templates()[0].timelines["sar"]
    dates = {m.id: m.date for m in compute(sar, Inputs({"sar_received": D(received)}))}
    assert dates["response_due"] == D(due) and dates["extended_due"] == D(extended_two)


def _audits(world: World, action: str) -> list[str]:
    return [e["detail"] for e in audit.entries(world.office) if e["action"] == action]


def test_a_request_is_logged_due_extended_and_answered(world: World, clock: FixedClock) -> None:
    office = world.office
    today = office.repo.time.today()
    received = today - dt.timedelta(days=26)  # due Friday 27 November
    request = dp.log_request(office, "subject_access", "A-001", received)
    assert (request.id, request.reference) == ("DP-0001", "A-001")
    assert request.due_on == due_on(received).isoformat()
    assert request.status(today) == "due"  # within a week of its date
    assert [r.id for r in dp.attention(office, today)] == ["DP-0001"]
    assert _audits(world, "dp_request") == [
        f"DP-0001 subject_access for A-001 received {received}, due {request.due_on}"
    ]
    later = dt.date.fromisoformat(request.due_on) + dt.timedelta(days=1)
    assert request.status(later) == "OVERDUE"
    longer = dp.extend_request(office, "dp-0001", 2, "complex: many records", today)
    assert longer.extended_to == due_on(received, 2).isoformat()
    assert longer.status(later) == "open"  # no longer overdue: the extended date counts
    assert "extended by 2 months" in _audits(world, "dp_request")[-1]
    done = dp.close_request(office, "DP-0001")
    assert done.closed_on == today.isoformat() and done.status(later) == "answered"
    assert dp.attention(office, later) == []


@pytest.mark.parametrize(
    ("months", "reason", "notice_days", "field"),
    [
        (3, "complex", 0, "months"),  # at most two further months
        (0, "complex", 0, "months"),
        (1, "   ", 0, "reason"),  # a reason is required
        (1, "complex", 1, "notice"),  # notice in the future
        (1, "complex", -40, "notice"),  # before it was received
    ],
)
def test_an_extension_needs_months_reason_and_timely_notice(
    world: World, months: int, reason: str, notice_days: int, field: str
) -> None:
    office = world.office
    today = office.repo.time.today()
    dp.log_request(office, "rectification", "A-001", today - dt.timedelta(days=5))
    before = len(audit.entries(office))
    with pytest.raises(ValidationError) as err:
        dp.extend_request(office, "DP-0001", months, reason, today + dt.timedelta(notice_days))
    assert list(err.value.errors) == [field]
    assert dp.get_request(office, "DP-0001").extended_to == ""
    assert len(audit.entries(office)) == before  # nothing changed, nothing logged


def test_notice_after_the_first_month_is_refused(world: World) -> None:
    office = world.office
    today = office.repo.time.today()
    dp.log_request(office, "subject_access", "A-001", today - dt.timedelta(days=40))
    with pytest.raises(ValidationError) as err:
        dp.extend_request(office, "DP-0001", 2, "complex", today)
    assert "within the first month" in str(err.value.errors["notice"])


def test_a_request_received_in_the_future_is_refused(world: World) -> None:
    tomorrow = world.office.repo.time.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        dp.log_request(world.office, "erasure", "A-001", tomorrow)
    assert dp.requests(world.office) == []


def test_subject_access_logs_and_answers_its_request(world: World) -> None:
    office = world.office
    received = office.repo.time.today() - dt.timedelta(days=3)
    out = world.tmp / "sar.json"
    path, request = dp.subject_access(office, "A-001", "json", out, received=received)
    assert path == out and "Quillfeather" in out.read_text()
    assert request is not None and request.closed_on and request.received_on == str(received)
    assert [e["action"] for e in audit.entries(office)][-3:] == [
        "subject_access",
        "dp_request",
        "dp_request",
    ]


def test_erasure_warns_and_records_date_and_reason(world: World) -> None:
    office = world.office
    case = office.repo.get(Case, world.case_id)
    assert case is not None
    office.repo.save(case.replace(safeguarding="Concern raised 2026-11-03"))
    warnings = dp.erasure_warnings(office, "A-001")
    assert len(warnings) == 3
    assert "still open" in warnings[0]
    assert "safeguarding note" in warnings[1]
    assert "Anna's laptop still holds this case" in warnings[2]
    assert "Concern raised" not in " ".join(warnings)  # the note's text is never shown
    requested = office.repo.time.today() - dt.timedelta(days=2)
    with pytest.raises(ValidationError) as err:  # the rule is in the action, not the dialog
        dp.erase(office, "A-001", requested_on=requested, reason="parent asked")
    assert "still open" in str(err.value)
    assert office.repo.get(Case, world.case_id) is not None
    with pytest.raises(ValidationError):
        dp.erase(office, "A-001", requested_on=requested, reason=" ", accept_warnings=True)
    done = dp.erase(
        office, "A-001", requested_on=requested, reason="parent asked", accept_warnings=True
    )
    assert office.repo.raw("case", world.case_id) is None
    assert done.stub["requested_on"] == str(requested) and done.stub["reason"] == "parent asked"
    assert done.request.kind == "erasure" and done.request.closed_on
    [erase_entry] = _audits(world, "erase")
    assert erase_entry.startswith("A-001: ")
    assert f"requested {requested}; reason: parent asked; warnings accepted" in erase_entry


def test_a_closed_case_of_another_holder_has_only_the_laptop_warning(world: World) -> None:
    office = world.office
    case = office.repo.get(Case, world.case_id)
    assert case is not None
    office.repo.save(case.replace(status="closed", closed_on="2026-11-10", outcome="resolved"))
    [line] = dp.erasure_warnings(office, "A-001")
    assert "laptop" in line


def test_retention_change_is_audited(world: World) -> None:
    office = world.office
    with pytest.raises(ValidationError):
        dp.set_retention(office, "29")
    assert _audits(world, "retention") == []
    assert dp.set_retention(office, "400") == 400
    assert office.state["retention_days"] == 400
    assert _audits(world, "retention") == ["retention period 2190 -> 400 days"]
    dp.set_retention(office, 400)  # no change: nothing to log
    assert len(_audits(world, "retention")) == 1


def _cli(world: World, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IPS_OFFICE_PASSPHRASE", OFFICE_PASS)
    path = Path(world.office.store.path)
    return CliRunner().invoke(office_cli, [*args, "--store", str(path)], input=stdin)


def test_requests_commands(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    today = world.office.repo.time.today()
    received = today - dt.timedelta(days=26)  # due Friday 27 November
    world.office.store.close()
    added = _cli(world, monkeypatch, "requests", "add", "subject_access", "A-001",
                 "--received", received.strftime("%d/%m/%Y"))  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "DP-0001  Subject access" in added.output
    listed = _cli(world, monkeypatch, "requests")
    assert listed.exit_code == 0 and "[due]" in listed.output
    bad = _cli(world, monkeypatch, "requests", "extend", "DP-0001", "--months", "5",
               "--reason", "x")  # fmt: skip
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert "Traceback" not in bad.output
    ext = _cli(world, monkeypatch, "requests", "extend", "DP-0001", "--months", "2",
               "--reason", "complex")  # fmt: skip
    assert ext.exit_code == 0 and "extended to" in ext.output
    shut = _cli(world, monkeypatch, "requests", "close", "DP-0001")
    assert shut.exit_code == 0
    assert "No open" in _cli(world, monkeypatch, "requests").output
    assert "answered" in _cli(world, monkeypatch, "requests", "--all").output
    wrong = _cli(world, monkeypatch, "requests", "add", "erasure", "NOPE", "--received", "x")
    assert wrong.exit_code == 1 and wrong.output.count("\n") == 1


def test_erase_command_warns_then_asks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    requested = (world.office.repo.time.today() - dt.timedelta(days=1)).isoformat()
    world.office.store.close()
    args = ("erase", "A-001", "--requested", requested, "--reason", "parent asked")
    refused = _cli(world, monkeypatch, *args, stdin="n\n")
    assert refused.exit_code == 1 and "Nothing was erased" in refused.output
    assert "WARNING: Case A-001 is still open" in refused.output
    erased = _cli(world, monkeypatch, *args, stdin="y\n")
    assert erased.exit_code == 0, erased.output
    assert "Erased" in erased.output and "DP-0001" in erased.output
    again = _cli(world, monkeypatch, *args, "--yes")
    assert again.exit_code == 1 and "No case with that reference" in again.output


def test_a_bad_erasure_date_is_refused_before_any_warning(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    future = (world.office.repo.time.today() + dt.timedelta(days=3)).isoformat()
    world.office.store.close()
    out = _cli(
        world, monkeypatch, "erase", "A-001", "--requested", future, "--reason", "x", "--yes"
    )
    assert out.exit_code == 1
    assert out.output.strip() == "ips-office: requested: The date requested cannot be in the future"


def test_the_stub_shows_when_the_laptop_has_acknowledged_the_erasure(world: World) -> None:
    from sync.exchange import export_bundle, import_bundle

    office = world.office
    requested = office.repo.time.today()
    done = dp.erase(office, "A-001", requested_on=requested, reason="asked", accept_warnings=True)
    assert dp.erasure_reached(office, done.stub) == "waiting"
    to_anna = import_bundle(world.anna, off.export_for(office, world.a, world.tmp / "o"), world.tmp)
    assert "erased" in to_anna.summary
    assert dp.erasure_reached(office, done.stub) == "waiting"  # the office has not heard yet
    back = export_bundle(world.anna, office.node_id, world.tmp / "back")
    assert import_bundle(office, back, world.tmp / "q").status == "imported"
    [stub] = office.store.table("erasure_stub").all()
    assert dp.erasure_reached(office, stub) == "erased"


def test_a_request_kind_is_taken_as_typed_in_words(world: World) -> None:
    """The screen asks for "subject access, erasure or rectification": typed that way (or
    with a capital or a hyphen) it is logged, not refused; a kind it is not is refused."""
    office = world.office
    today = office.repo.time.today()
    dp.log_request(office, "Subject access", "A-001", today)
    dp.log_request(office, " subject-access ", "A-001", today)
    assert [r.kind for r in dp.requests(office)] == ["subject_access", "subject_access"]
    with pytest.raises(ValidationError):
        dp.log_request(office, "complaint", "A-001", today)
    assert len(dp.requests(office)) == 2
