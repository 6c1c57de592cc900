"""``ips-office`` through its command line: every action lands in the audit log."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ips_field.actions.office import open_office
from ips_field.cli.office import main
from ips_field.domain.records import Case
from ips_field.store.store import KdfParams, Store
from sync import audit
from sync.enrol import volunteer_enrol
from sync.exchange import export_bundle
from sync.node import SyncNode

ENV = {
    "IPS_FIELD_TEST_KDF": "1",
    "IPS_OFFICE_PASSPHRASE": "office pass words here",
    "IPS_OFFICE_RECOVERY_PASSPHRASE": "recovery pass words",
}


def run(*args: str):
    result = CliRunner().invoke(main, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result


def test_enrol_import_export_revoke_are_audited(tmp_path: Path) -> None:
    store = tmp_path / "office.ipsf"
    run("init", "--store", str(store), "--recovery-key", str(tmp_path / "rk.key"))
    out = run("enrol", "Dana Volunteer", "--out", str(tmp_path / "i.ipsi"), "--store", str(store))
    code = out.output.rsplit(": ", 1)[1].strip()  # the last line ends with the code
    vid = re.search(r"volunteer id ([0-9a-f-]+)", out.output).group(1)

    laptop = Store.create(tmp_path / "v.ipsf", "volunteer words", kdf=KdfParams.FOR_TESTS)
    reply, fp, _ = volunteer_enrol(laptop, (tmp_path / "i.ipsi").read_bytes(), code)
    (tmp_path / "r.ipsr").write_bytes(reply)
    run("import", str(tmp_path / "r.ipsr"), "--confirm", fp, "--store", str(store))

    exported = run("export", "--out", str(tmp_path / "to-vol"), "--store", str(store))
    node = SyncNode(laptop, "volunteer")
    from sync.exchange import import_bundle

    [bundle] = list((tmp_path / "to-vol").glob("*.ipsb"))
    assert exported.output == f"{bundle.name}: bundle written for Dana Volunteer\n"
    assert import_bundle(node, bundle, tmp_path / "q").status == "imported"
    node.repo.save(Case(reference="D-1", school="S", opened_on="2026-11-01", assigned_to=vid))
    office_id = node.state["office"]["node_id"]
    sent = export_bundle(node, office_id, tmp_path / "from-vol")
    run("import", str(sent), "--store", str(store))
    revoked = run("revoke", vid, "--store", str(store))
    assert "D-1 needs a decision: no volunteer was chosen to take it." in revoked.output

    office = open_office(store, ENV["IPS_OFFICE_PASSPHRASE"])
    try:
        log = audit.entries(office)
        actions = [e["action"] for e in log]
        assert actions == ["enrol", "enrol", "export", "import", "revoke", "case_decision"]
        assert log[1]["detail"] == "added Dana Volunteer"
        assert log[3]["detail"].endswith(": imported from Dana Volunteer")
        assert audit.verify(office).ok
    finally:
        office.store.close()


def test_a_volunteer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import pytest

    from ips_field.errors import IpsError

    path = tmp_path / "laptop.ipsf"
    Store.create(path, "volunteer words", kdf=KdfParams.FOR_TESTS).close()
    before = path.read_bytes()
    with pytest.raises(IpsError, match="not an office master record"):
        open_office(path, "volunteer words")
    assert path.read_bytes() == before  # no office identity was written into it
    result = CliRunner().invoke(
        main, ["export", "--out", str(tmp_path / "x"), "--store", str(path)],
        env={**ENV, "IPS_OFFICE_PASSPHRASE": "volunteer words"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == "ips-office: that store is not an office master record"


def test_revoke_reassign_to_by_name_prints_what_it_did(world) -> None:
    """Anna's two cases: A-002 goes to Ben; A-001 is blocked (Ben governs Hill School) and
    waits for a decision. A bad target is one line, exit 1, and nothing changes."""
    from ips_field.actions.office import office_node
    from ips_field.actions.office.revocation import needs_decision
    from sync.exchange import import_bundle
    from tests.office_world import OFFICE_PASS

    dale = world.anna.repo.save(
        Case(reference="A-002", school="Dale School", opened_on="2026-11-03", assigned_to=world.a)
    )
    import_bundle(
        world.office, export_bundle(world.anna, world.office.node_id, world.tmp / "s"), world.tmp
    )
    path = world.office.store.path
    world.office.store.close()
    env = {**ENV, "IPS_OFFICE_PASSPHRASE": OFFICE_PASS}
    bad = CliRunner().invoke(
        main, ["revoke", "Anna", "--reassign-to", "Zed", "--store", path], env=env
    )
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert bad.output.startswith("ips-office: ") and "Traceback" not in bad.output
    good = CliRunner().invoke(
        main, ["revoke", "anna", "--reassign-to", "Ben", "--store", path], env=env
    )
    assert good.exit_code == 0, good.output
    lines = good.output.splitlines()
    assert lines[0].startswith("Anna revoked; roster is now version ")
    assert "A-002 reassigned to Ben." in lines
    assert any(line.startswith("A-001 needs a decision: Blocked: ") for line in lines)
    office = office_node(Store.open(Path(path), OFFICE_PASS))
    try:
        assert office.repo.get(Case, dale.id).assigned_to == world.b
        assert not office.roster.volunteers[world.a].active
        assert [w.reference for w in needs_decision(office)] == ["A-001"]
    finally:
        office.store.close()


def test_waiting_and_decide_from_the_command_line(world) -> None:
    from ips_field.actions.office.revocation import revoke_volunteer
    from tests.office_world import OFFICE_PASS

    revoke_volunteer(world.office, world.a)
    path = world.office.store.path
    world.office.store.close()
    env = {**ENV, "IPS_OFFICE_PASSPHRASE": OFFICE_PASS}

    def office(*args: str):
        return CliRunner().invoke(main, [*args, "--store", path], env=env)

    listed = office("waiting")
    assert listed.exit_code == 0
    assert listed.output == "A-001: held by Anna (revoked): no volunteer was chosen to take it\n"
    blocked = office("decide", "A-001", "--to", "Ben")
    assert blocked.exit_code == 1 and blocked.output.startswith("ips-office: ")
    assert "Blocked" in blocked.output and blocked.output.count("\n") == 1
    assert office("decide", "NOPE", "--to", "Ben").exit_code == 1
    assert office("waiting").output.startswith("A-001: ")  # still waiting
