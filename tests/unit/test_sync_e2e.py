"""Two volunteers and the office, through real files in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Family, Interest, Note
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store
from sync import routing
from sync.exchange import export_bundle, import_bundle, wipe_store
from sync.merge import open_conflicts, resolve_conflict
from sync.node import SyncNode

K = KdfParams.FOR_TESTS


def volunteer(tmp: Path, name: str, office: SyncNode) -> tuple[Store, str]:
    store = Store.create(tmp / name / "v.ipsf", "volunteer passphrase", kdf=K)
    invite, code, vid = off.enrol(office, name)
    reply, vol_fp, office_fp = off.volunteer_enrol(store, invite, code)
    assert office_fp == office.identity.fingerprint()
    public = off.read_enrolment_reply(office, reply)
    off.confirm_enrolment(office, public, vol_fp)
    return store, vid


def carry(src: SyncNode, peer: str, dst: SyncNode, tmp: Path, **kw) -> list:
    out = tmp / "stick"
    if src.role == "office":
        paths = [off.export_for(src, peer, out)]
    else:
        paths = [export_bundle(src, peer, out)]
    return [import_bundle(dst, p, tmp / "quarantine") for p in paths]


def test_two_volunteers_and_office(tmp_path: Path) -> None:
    office = off.init_office(
        tmp_path / "office.ipsf",
        "office passphrase",
        "recovery words here",
        tmp_path / "recovery.key",
        kdf=K,
    )
    store_a, a = volunteer(tmp_path, "anna", office)
    store_b, b = volunteer(tmp_path, "ben", office)
    na, nb = SyncNode(store_a, "volunteer"), SyncNode(store_b, "volunteer")
    oid = office.node_id
    # First office bundles bring the roster and the recovery key.
    assert carry(office, a, na, tmp_path)[0].status == "imported"
    assert carry(office, b, nb, tmp_path)[0].status == "imported"
    assert store_a.has_recovery_slot()

    # Anna opens a case and writes notes; the office receives them.
    case = na.repo.save(
        Case(reference="A1", school="Hill School", opened_on="2026-11-01", assigned_to=a)
    )
    na.repo.save(
        Family(case_id=case.id, family_name="Zed", area="North", parents=[{"name": "Zoe Zed"}])
    )
    na.repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    for i in range(3):
        na.repo.add_note(Note(case_id=case.id, voice="parent_view", text=f"note {i}"))
    [res] = carry(na, oid, office, tmp_path)
    assert res.status == "imported" and res.summary.startswith("3 new notes for 1 case,")
    assert len(office.repo.for_case(Note, case.id)) == 3
    # The same file again, or an older one: nothing happens.
    stick = tmp_path / "stick"
    again = export_bundle(na, oid, stick)
    copy = again.read_bytes()
    assert import_bundle(office, again, tmp_path / "q").status == "imported"
    assert not again.exists()  # imported: overwritten and deleted, only its hash is kept
    again.write_bytes(copy)
    assert import_bundle(office, again, tmp_path / "q").status == "replay"

    # Ben may not touch Anna's case: his bundle is refused whole and quarantined.
    # (a tampered client that thinks Anna's case is Ben's)
    nb.repo.put_raw({**office.repo.raw("case", case.id), "assigned_to": b})
    nb.repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    nb.repo.add_note(Note(case_id=case.id, text="sneaky"))
    own = nb.repo.save(Case(reference="B1", school="S", opened_on="2026-11-01", assigned_to=b))
    nb.repo.save(Consent(case_id=own.id, purpose="record", given_on="2026-11-01"))
    nb.repo.add_note(Note(case_id=own.id, text="fine"))
    [res] = carry(nb, oid, office, tmp_path)
    assert res.status == "quarantined" and "another volunteer" in res.summary
    assert not any(n.text == "sneaky" for n in office.repo.all(Note))
    assert list((tmp_path / "quarantine").glob("*.reason.txt"))

    # A concurrent edit makes a conflict; the supervisor's choice reaches Anna.
    office_case = office.repo.get(Case, case.id)
    office.repo.save(office_case.replace(school="Hill School (office spelling)"))
    na.repo.save(na.repo.get(Case, case.id).replace(school="Hill Primary School"))
    carry(na, oid, office, tmp_path)
    [conflict] = open_conflicts(office.repo)
    resolve_conflict(office.repo, conflict["id"], "Hill Academy")
    routing.route(office)
    carry(office, a, na, tmp_path)
    assert na.repo.get(Case, case.id).school == "Hill Academy"

    # Reassignment is checked against the new volunteer's declared interests.
    store_c, c = volunteer(tmp_path, "cara", office)
    nc = SyncNode(store_c, "volunteer")
    carry(office, c, nc, tmp_path)
    nc.repo.save(
        Interest(interest_type="governor", organisation="Hill Academy", declared_on="2026-01-01")
    )
    assert carry(nc, oid, office, tmp_path)[0].status == "imported"
    with pytest.raises(ValidationError, match="Blocked"):
        off.assign_case(office, case.id, c)
    assert office.repo.get(Case, case.id).assigned_to == a

    # Closing: the office acknowledges, the volunteer learns it.
    na.repo.save(
        na.repo.get(Case, case.id).replace(status="closed", closed_on="2026-11-20", outcome="done")
    )
    carry(na, oid, office, tmp_path)
    carry(office, a, na, tmp_path)
    assert na.repo.get(Case, case.id).office_confirmed_on

    # Erasure propagates to the volunteer.
    off.erase_family(office, case.id)
    assert office.repo.raw("case", case.id) is None
    [res] = carry(office, a, na, tmp_path)
    assert "erased" in res.summary and na.repo.raw("case", case.id) is None

    # Revocation: Ben's later bundles are refused; his next office bundle says wipe.
    off.revoke(office, b)
    nb.repo.add_note(Note(case_id=nb.repo.all(Case)[-1].id, text="after revocation"))
    [res] = carry(nb, oid, office, tmp_path)
    assert res.status == "quarantined" and "revoked" in res.summary
    [res] = carry(office, b, nb, tmp_path)
    assert res.status == "wiped"
    path = Path(store_b.path)
    wipe_store(store_b)
    assert not path.exists()

    # No names, ids or sender in any bundle bytes or names.
    for f in list(stick.iterdir()):
        data = f.read_bytes()
        for secret in (b"Zoe", b"Zed", case.id.encode(), a.encode(), oid.encode()):
            assert secret not in data and secret.decode() not in f.name
    store_a.close()
    store_c.close()
    office.store.close()


def test_recovery_with_offline_key(tmp_path: Path) -> None:
    office = off.init_office(
        tmp_path / "o.ipsf", "office passphrase", "recovery words", tmp_path / "r.key", kdf=K
    )
    store, a = volunteer(tmp_path, "anna", office)
    carry(office, a, SyncNode(store, "volunteer"), tmp_path)
    Repository(store).save(Case(reference="R", school="S", opened_on="2026-11-01"))
    path = Path(store.path)
    store.close()
    off.recover_volunteer_store(
        path, tmp_path / "r.key", "recovery words", "a brand new passphrase"
    )
    with Store.open(path, "a brand new passphrase") as s:
        assert [c.reference for c in Repository(s).all(Case)] == ["R"]
    office.store.close()


@pytest.mark.parametrize("assignee", ["own node", "nobody"])
def test_cases_made_before_enrolment_reach_the_office(tmp_path: Path, assignee: str) -> None:
    """A volunteer who worked before enrolling (cases made in the app name the laptop's own
    node; older stores and the demo named nobody) must be able to send them afterwards."""
    office = off.init_office(
        tmp_path / "office.ipsf", "office passphrase", "recovery words", tmp_path / "r.key", kdf=K
    )
    store = Store.create(tmp_path / "v.ipsf", "volunteer passphrase", kdf=K)
    repo = Repository(store)
    owner = repo.node_id if assignee == "own node" else ""
    case = repo.save(
        Case(reference="EARLY-1", school="S", opened_on="2026-10-01", assigned_to=owner)
    )
    repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-10-01"))
    repo.add_note(Note(case_id=case.id, voice="parent_view", text="met before enrolling"))
    invite, code, vid = off.enrol(office, "Early")
    reply, fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
    node = SyncNode(store, "volunteer")
    assert node.repo.raw("case", case.id)["assigned_to"] == vid
    [res] = carry(node, office.node_id, office, tmp_path)
    assert res.status == "imported", res.summary
    assert res.summary == "1 new note for 1 case, 2 other changes"
    assert office.repo.raw("case", case.id)["assigned_to"] == vid
    assert len(office.repo.for_case(Note, case.id)) == 1
    store.close()
    office.store.close()
