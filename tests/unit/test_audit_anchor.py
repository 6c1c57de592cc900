"""The audit log's head anchored outside the master record (issue 14, point 10).

Whoever can edit the master record holds the office signing key too, so a rebuilt,
re-signed log passes ``audit.verify``; only a copy of an earlier head kept elsewhere (a
report, a volunteer's laptop) shows the rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_field.actions import office as off
from ips_field.cli.office import main as office_cli
from sync import audit
from sync.exchange import import_bundle
from sync.node import SyncNode
from tests.office_world import OFFICE_PASS, World


def _rebuild(node: SyncNode, entries: list[dict[str, object]]) -> None:
    """What an insider with the master record can do: rewrite and re-sign the whole log."""
    table = node.store.table(audit.AUDIT)
    table.delete_ids([e["id"] for e in table.all()])
    node.save_state(audit_head=None)
    for e in entries:
        audit.append(node, str(e["action"]), str(e["detail"]), case_id=str(e["case_id"]))


def _log(node: SyncNode, n: int) -> None:
    for i in range(n):
        audit.append(node, "view_notes", f"A-00{i}", case_id=f"c{i}")


def test_an_anchored_head_holds_while_the_log_grows(world: World) -> None:
    _log(world.office, 3)
    anchored = audit.anchor_text(audit.head(world.office))
    _log(world.office, 2)
    result = audit.check_anchor(world.office, anchored)
    assert result.ok and result.line == "entry 3 still has the anchored hash; 2 entries since"
    # a bare hash prefix of 16 digits, as copied off a printed report, finds it too
    assert audit.check_anchor(world.office, anchored.split(":")[1][:16]).ok


def test_one_entry_since_the_anchor_reads_in_the_singular(world: World) -> None:
    _log(world.office, 3)
    anchored = audit.anchor_text(audit.head(world.office))
    _log(world.office, 1)
    line = audit.check_anchor(world.office, anchored).line
    assert line == "entry 3 still has the anchored hash; 1 entry since"


def test_a_rewritten_and_re_signed_history_fails_against_the_anchor(world: World) -> None:
    office = world.office
    _log(office, 4)
    anchored = audit.anchor_text(audit.head(office))
    _log(office, 1)
    forged = [dict(e) for e in audit.entries(office)]
    forged[1]["detail"] = "A-innocent"  # entry 2 rewritten, everything re-hashed and re-signed
    _rebuild(office, forged)
    assert audit.verify(office).ok  # the chain alone cannot tell: the key was in the record
    result = audit.check_anchor(office, anchored)
    assert not result.ok
    assert result.line == (
        "entry 4 no longer has the anchored hash: the log was rewritten at or before it"
    )
    bare = audit.check_anchor(office, anchored.split(":")[1])
    assert not bare.ok and "rewritten" in bare.line


def test_a_log_cut_back_below_the_anchor_fails(world: World) -> None:
    office = world.office
    _log(office, 4)
    anchored = audit.anchor_text(audit.head(office))
    _rebuild(office, audit.entries(office)[:2])
    assert audit.verify(office).ok
    result = audit.check_anchor(office, anchored)
    assert not result.ok and "fewer than the anchored 4" in result.line


@pytest.mark.parametrize("text", ["", "4:", "x:abcd", "4:abc", "4:" + "g" * 64, "1" * 65])
def test_a_malformed_anchor_is_one_line(text: str) -> None:
    with pytest.raises(ValueError):
        audit.parse_anchor(text)


def test_every_office_bundle_carries_the_head_and_the_laptop_keeps_it(world: World) -> None:
    office, anna = world.office, world.anna
    _log(office, 2)
    head = audit.head(office)
    bundle = off.export_for(office, world.a, world.tmp / "out")
    assert import_bundle(anna, bundle, world.tmp / "q").status == "imported"
    kept = anna.state["audit_anchors"][-1]
    assert (kept["n"], kept["hash"]) == (2, head["hash"])
    # The laptop's copy shows a later rewrite of the office's log.
    forged = [dict(e) for e in audit.entries(office)]
    forged[0]["detail"] = "A-innocent"
    _rebuild(office, forged)
    assert not audit.check_anchor(office, f"{kept['n']}:{kept['hash']}").ok


def test_a_malformed_head_in_an_office_bundle_is_refused(world: World) -> None:
    office, anna = world.office, world.anna
    before = anna.state.get("audit_anchors")
    original = audit.head
    try:
        audit.head = lambda node: {"n": -1, "hash": "zz"}  # type: ignore[assignment]
        bundle = off.export_for(office, world.a, world.tmp / "out")
    finally:
        audit.head = original  # type: ignore[assignment]
    result = import_bundle(anna, bundle, world.tmp / "q")
    assert result.status == "quarantined" and "malformed audit head" in result.summary
    assert anna.state.get("audit_anchors") == before


def test_audit_verify_command_against_an_anchor(world: World, monkeypatch) -> None:
    office = world.office
    _log(office, 3)
    anchored = audit.anchor_text(audit.head(office))
    forged = [dict(e) for e in audit.entries(office)]
    path = Path(office.store.path)
    office.store.close()
    monkeypatch.setenv("IPS_OFFICE_PASSPHRASE", OFFICE_PASS)
    runner = CliRunner()
    ok = runner.invoke(office_cli, ["audit", "verify", "--against", anchored, "--store", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "chain: 3 entries, intact" in ok.output
    assert "holds: entry 3 still has the anchored hash; 0 entries since" in ok.output
    head = runner.invoke(office_cli, ["audit", "head", "--store", str(path)])
    assert head.output.strip() == anchored
    # An insider rewrites the log with the key from the master record.
    node = off.open_office(path, OFFICE_PASS)
    forged[0]["detail"] = "A-innocent"
    _rebuild(node, forged)
    node.store.close()
    bad = runner.invoke(
        office_cli, ["audit", "verify", "--against", anchored, "--store", str(path)]
    )
    assert bad.exit_code == 1
    assert "FAILS: entry 3 no longer has the anchored hash" in bad.output
    assert "A-innocent" not in bad.output and "Traceback" not in bad.output
    junk = runner.invoke(office_cli, ["audit", "verify", "--against", "nope", "--store", str(path)])
    assert junk.exit_code == 1 and len(junk.output.strip().splitlines()) == 1


def test_the_report_file_prints_the_head(world: World) -> None:
    import datetime as dt

    from ips_field.actions.office.documents import write_report

    _log(world.office, 2)
    anchored = audit.anchor_text(audit.head(world.office))
    day = world.office.repo.time.today()
    md = write_report(world.office, day.replace(day=1), day, "md", world.tmp / "r.md")
    assert f"Audit log head {anchored}." in md.read_text()
    later = audit.anchor_text(audit.head(world.office))  # the md export's own entry
    assert later.startswith("3:")
    csv = write_report(world.office, dt.date(2026, 1, 1), day, "csv", world.tmp / "r.csv")
    assert csv.read_text().splitlines()[-1] == f"audit log,head,{later},"
    assert audit.check_anchor(world.office, anchored).ok  # the export's own entry comes after


def test_the_laptop_prints_the_heads_it_keeps(world: World, monkeypatch) -> None:
    from ips_field.cli.volunteer import main as field_cli
    from tests.office_world import VOLUNTEER_PASS

    _log(world.office, 2)
    head = audit.anchor_text(audit.head(world.office))
    import_bundle(world.anna, off.export_for(world.office, world.a, world.tmp / "o"), world.tmp)
    path = Path(world.anna.store.path)
    world.anna.store.close()
    monkeypatch.setenv("IPS_FIELD_PASSPHRASE", VOLUNTEER_PASS)
    out = CliRunner().invoke(field_cli, ["sync", "audit-heads", "--store", str(path)])
    assert out.exit_code == 0, out.output
    assert out.output.strip().splitlines()[-1].endswith(head)


def test_an_office_bundle_without_a_head_still_imports(world: World) -> None:
    """A bundle from an office before anchors (no ``audit_head``) imports as before."""
    from sync.exchange import export_bundle

    office = world.office
    extra = {
        "roster": office.state["roster"],
        "recovery_public": office.state.get("recovery_public"),
    }
    bundle = export_bundle(office, world.a, world.tmp / "old", extra)
    before = world.anna.state.get("audit_anchors")
    assert import_bundle(world.anna, bundle, world.tmp / "q").status == "imported"
    assert world.anna.state.get("audit_anchors") == before
