"""``ips-office`` through its command line: every action lands in the audit log."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ips_field.cli.office import main
from ips_field.domain.records import Case
from ips_field.store.store import KdfParams, Store
from sync import audit
from sync.exchange import export_bundle
from sync.node import SyncNode
from sync.office import open_office, volunteer_enrol

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
    run("revoke", vid, "--store", str(store))

    office = open_office(store, ENV["IPS_OFFICE_PASSPHRASE"])
    try:
        log = audit.entries(office)
        assert [e["action"] for e in log] == ["enrol", "enrol", "export", "import", "revoke"]
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
