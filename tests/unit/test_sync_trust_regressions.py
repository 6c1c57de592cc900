"""Issue 11, every example of what a validly signed bundle could change, as a regression test.

Each bundle here is sealed and signed with the sender's genuine keys and imported from a real
file (tests/hostile_kit.py); each must be refused whole with a one-line sync reason, change
nothing, and leave later genuine bundles importing."""

from __future__ import annotations

import pytest

from ips_field.actions import office as off
from ips_field.actions.note_flags import flagged_notes
from ips_field.domain.records import Case, Consent, CpdEntry, Family, Interest, Note
from ips_field.errors import SyncError
from sync import routing
from sync.errors import InvalidOperation, Unauthorised
from sync.ops import MAX_COUNTER
from tests import hostile_kit as hk


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> hk.World:
    return hk.make_world(tmp_path_factory.mktemp("regressions"))


def refused(world: hk.World, name: str, ops: list[dict], error: type = SyncError, **hdr) -> str:
    """Send ``ops`` from ``name``; assert the bundle is refused whole; return the reason."""
    before = hk.state(world.office)
    if hdr.get("numbered", True):
        ops = hk.number(world.office, world.vid(name), ops)
    hdr.pop("numbered", None)
    result = hk.send(world, name, ops, **hdr)
    assert result.status == "quarantined", result.summary
    assert isinstance(result.error, error), result.error
    assert "\n" not in result.summary and "Traceback" not in result.summary
    assert hk.state(world.office) == before
    return result.summary


def still_working(world: hk.World) -> None:
    for name in ("a", "b"):
        assert hk.carry_up(world, name).status == "imported"
        assert hk.carry_down(world, name).status == "imported"


# -- taking over another volunteer's case ----------------------------------------------------------


def test_a_case_op_with_no_case_id_cannot_take_over_a_case(world: hk.World) -> None:
    a, bcase = world.vid("a"), world.ids["b.case"]
    takeover = hk.op(a, "case", bcase, {"assigned_to": a, "school": "Other"}, case_id=None)
    planted = hk.new_record(a, Note(case_id=bcase, text="planted"))
    assert "another volunteer" in refused(world, "a", [takeover, planted], Unauthorised)
    case = world.office.repo.get(Case, bcase)
    assert case is not None and case.assigned_to == world.vid("b") and case.school == "School b"
    assert not [n for n in world.office.repo.for_case(Note, bcase) if n.text == "planted"]
    # The victim's own later bundles are not refused.
    b_repo = world.vols["b"].repo
    b_repo.add_note(Note(case_id=bcase, text="after the attempt"))
    assert hk.carry_up(world, "b").status == "imported"


def test_an_old_copy_of_a_reassigned_case_changes_nothing(world: hk.World) -> None:
    """Anna kept a copy of her case after the office moved it to Cara over a conflict."""
    a = world.vid("a")
    repo = world.vols["a"].repo
    case = repo.save(Case(reference="OLD", school="S", opened_on="2026-11-01", assigned_to=a))
    fam = repo.save(Family(case_id=case.id, family_name="F", parents=[{"name": "P", "phone": "1"}]))
    assert hk.carry_up(world, "a").status == "imported"
    off.assign_case(world.office, case.id, world.vid("c"))
    phone = hk.op(a, "family", fam.id, {"parents": [{"name": "P", "phone": "999"}]},
                  case_id=case.id)  # fmt: skip
    consent = hk.new_record(
        a, Consent(case_id=case.id, purpose="share_named_party", named_party="friend at LA",
                   given_on="2026-11-20")
    )  # fmt: skip
    back = hk.op(a, "case", case.id, {"assigned_to": a})
    for ops in ([phone], [consent], [back]):
        refused(world, "a", ops, Unauthorised)
    stored = world.office.repo.get(Family, fam.id)
    assert stored is not None and stored.parents[0]["phone"] == "1"
    assert world.office.repo.get(Case, case.id).assigned_to == world.vid("c")  # type: ignore[union-attr]


# -- origin and created_at -------------------------------------------------------------------------


def test_nothing_can_be_declared_in_another_volunteers_name(world: hk.World) -> None:
    a, b = world.vid("a"), world.vid("b")
    interest = hk.new_record(
        a, Interest(interest_type="governor", organisation="Hill School", declared_on="2026-01-01")
    )
    interest["fields"]["origin"] = b
    cpd = hk.new_record(a, CpdEntry(on="2026-10-01", title="x", hours=99.0))
    cpd["fields"]["origin"] = b
    sup = hk.op(a, "supervision", world.ids["b.supervision"],
                {"impartiality_concern": True, "coaching": "c", "follow_up_on": "2026-12-01"},
                case_id=None)  # fmt: skip
    for ops in ([interest], [cpd], [sup]):
        refused(world, "a", ops, Unauthorised)
    assert not [
        i for i in off.volunteer_interests(world.office, b) if i.organisation == "Hill School"
    ]
    assert all(c.hours < 99 for c in world.office.repo.all(CpdEntry))


# -- the parent's returned evaluation --------------------------------------------------------------


def test_a_volunteer_cannot_rewrite_a_returned_evaluation(world: hk.World) -> None:
    a, ev = world.vid("a"), world.ids["a.evaluation"]
    before = hk.stored(world.office, "evaluation", ev)
    rewrite = hk.op(a, "evaluation", ev,
                    {"scores": {"impartiality": 5}, "impartial": True, "comments": "great"},
                    case_id=world.ids["a.case"])  # fmt: skip
    assert "office" in refused(world, "a", [rewrite], Unauthorised)
    office_made = hk.op(a, "evaluation", world.ids["a.office_evaluation"], {"sent_how": "x"},
                        case_id=world.ids["a.case"])  # fmt: skip
    refused(world, "a", [office_made], Unauthorised)
    after = hk.stored(world.office, "evaluation", ev)
    assert (after["scores"], after["impartial"], after["comments"]) == (
        before["scores"], before["impartial"], before["comments"]
    )  # fmt: skip
    assert before["scores"] == {"impartiality": 1} and before["impartial"] is False


# -- notes never change ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"flags": []},
        {"deleted": True},
        {"created_at": "2020-01-01T00:00:00+00:00"},
        {"origin": "office"},
        {"text": "something else"},
    ],
    ids=["flags-cleared", "tombstoned", "back-dated", "origin-office", "text"],
)
def test_a_note_never_changes_over_sync(world: hk.World, fields: dict) -> None:
    a, note, cid = world.vid("a"), world.ids["a.note"], world.ids["a.case"]
    if fields.get("origin") == "office":
        fields = {"origin": world.office.node_id}
    flagged = len(flagged_notes(world.office.repo))
    refused(world, "a", [hk.op(a, "note", note, fields, case_id=cid)], Unauthorised)
    assert len(flagged_notes(world.office.repo)) == flagged >= 1
    stored = world.office.repo.get(Note, note)
    assert stored is not None and stored.flags and not stored.deleted


def test_a_correction_cannot_hide_a_note_of_another_case(world: hk.World) -> None:
    """Flagged-note counts treat a superseded note as corrected: a note on Anna's case that
    "supersedes" Ben's flagged note would hide it from review."""
    a, cid = world.vid("a"), world.ids["a.case"]
    flagged = len(flagged_notes(world.office.repo))
    hide = Note(case_id=cid, text="t", supersedes=world.ids["b.note"], reason="corrected")
    assert "same case" in refused(world, "a", [hk.new_record(a, hide)], Unauthorised)
    assert len(flagged_notes(world.office.repo)) == flagged
    own = Note(case_id=cid, text="corrected wording", supersedes=world.ids["a.note"], reason="r")
    result = hk.send(world, "a", hk.number(world.office, a, [hk.new_record(a, own)]))
    assert result.status == "imported", result.summary  # a correction of her own note is fine


# -- values that raised something other than a sync error ------------------------------------------


def test_the_five_values_that_crashed_an_import_are_refused(world: hk.World) -> None:
    a, cid = world.vid("a"), world.ids["a.case"]
    good = hk.op(a, "case", cid, {"summary": "s"})
    top = world.office.peer(a)["received_n"]
    refused(world, "a", [{**good, "seq": 2**64}], InvalidOperation, numbered=False)
    refused(world, "a", [{**good, "seq": top + 1, "n": 2**64}], InvalidOperation, numbered=False)
    surrogate = hk.new_record(a, Note(case_id=cid, text="lone \ud800 surrogate"))
    refused(world, "a", [surrogate], InvalidOperation)
    refused(world, "a", [hk.op(a, "case", cid, {"status": "closed"})], InvalidOperation)
    closed = {"status": "closed", "closed_on": 20261120, "outcome": "done"}
    refused(world, "a", [hk.op(a, "case", cid, closed)], InvalidOperation)
    still_working(world)


def test_an_unforeseen_error_while_applying_is_a_refusal(world: hk.World, monkeypatch) -> None:
    import sync.exchange

    def boom(*args, **kwargs):
        raise KeyError("something nobody foresaw")

    monkeypatch.setattr(sync.exchange, "apply_ops", boom)
    a, cid = world.vid("a"), world.ids["a.case"]
    reason = refused(world, "a", [hk.op(a, "case", cid, {"summary": "fine"})], InvalidOperation)
    assert "unexpected KeyError" in reason and "foresaw" not in reason
    monkeypatch.undo()
    still_working(world)


POISONS = [
    ("cpd", "a.cpd", {"on": 2026}),
    ("cpd", "a.cpd", {"hours": "lots"}),
    ("cpd", "a.cpd", {"topics": "impartiality"}),
    ("case", "a.case", {"la_contacts": ["not a contact"]}),
    ("case", "a.case", {"opened_on": ["2026-11-01"]}),
    ("family", "a.family", {"parents": {"name": "P"}}),
    ("note", None, {"flags": [{"phrase": 7}]}),
    ("consent", "a.consent", {"given_on": None}),
    ("cpd", "a.cpd", {"hours": float("nan")}),
    ("cpd", "a.cpd", {"independent": "yes"}),
]


@pytest.mark.parametrize(("kind", "label", "fields"), POISONS, ids=[str(p[2]) for p in POISONS])
def test_one_field_poisons_are_refused(world: hk.World, kind: str, label, fields: dict) -> None:
    a, cid = world.vid("a"), world.ids["a.case"]
    if label is None:  # a new note carrying the poison
        made = hk.new_record(a, Note(case_id=cid, text="t"))
        made["fields"].update(fields)
        ops = [made]
    else:
        case_id = None if kind == "cpd" else cid
        ops = [hk.op(a, kind, world.ids[label], fields, case_id=case_id)]
    # NaN is not JSON: the bundle parser refuses it before this layer sees it
    refused(world, "a", ops, SyncError if "nan" in str(fields) else InvalidOperation)
    hk.everyday(world.office)


# -- clocks, floods and sizes ----------------------------------------------------------------------


def test_a_huge_clock_counter_cannot_stop_the_office_writing_to_volunteers(world: hk.World) -> None:
    a, cid = world.vid("a"), world.ids["a.case"]
    push = hk.op(a, "case", cid, {"summary": "pushed"}, counter=2**31 - 1)
    result = hk.send(world, "a", hk.number(world.office, a, [push]))
    assert result.status == "imported"  # Anna's own edit, its counter clamped
    assert world.office.repo.clock.last[1] < MAX_COUNTER // 2
    for _ in range(3):  # the office's own edits and every later bundle still reach Anna
        case = world.office.repo.get(Case, cid)
        world.office.repo.save(case.replace(summary=case.summary + "."))  # type: ignore[union-attr]
        routing.route(world.office)
        assert hk.carry_down(world, "a").status == "imported"
    assert refused(world, "a", [hk.op(a, "case", cid, {"summary": "x"}, counter=2**31)])


def test_more_than_5000_ops_in_one_bundle_are_refused(world: hk.World) -> None:
    a, cid = world.vid("a"), world.ids["a.case"]
    ops = [hk.op(a, "case", cid, {"summary": str(i)}) for i in range(30_000)]
    assert "5,000" in refused(world, "a", ops, InvalidOperation)


def test_a_20_mb_string_inside_a_list_is_refused(world: hk.World) -> None:
    a = world.vid("a")
    cpd = hk.op(a, "cpd", world.ids["a.cpd"], {"topics": ["x" * 20_000_000]}, case_id=None)
    assert "longer than" in refused(world, "a", [cpd], InvalidOperation)
    still_working(world)
