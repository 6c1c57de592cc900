"""Key dates travel like any other case record, and only the case holder may add them."""

from __future__ import annotations

from pathlib import Path

from ips_field.actions import office as off
from ips_field.domain.records import Case, KeyDate
from sync.node import SyncNode
from tests.unit.test_sync_e2e import K, carry, volunteer


def test_key_dates_reach_the_office_and_a_stranger_cannot_add_one(tmp_path: Path) -> None:
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
    carry(office, a, na, tmp_path)
    carry(office, b, nb, tmp_path)
    case = na.repo.save(
        Case(reference="A1", school="Hill School", opened_on="2026-11-01", assigned_to=a)
    )
    na.repo.save(KeyDate(case_id=case.id, which="decision_letter", on="2026-10-01"))
    [res] = carry(na, office.node_id, office, tmp_path)
    assert res.status == "imported"
    [kd] = office.repo.for_case(KeyDate, case.id)
    assert (kd.which, kd.on, kd.origin) == ("decision_letter", "2026-10-01", na.node_id)

    # Ben's client, tampered to think Anna's case is his, adds a key date: refused whole.
    nb.repo.put_raw({**office.repo.raw("case", case.id), "assigned_to": b})
    nb.repo.save(KeyDate(case_id=case.id, which="mediation_certificate", on="2026-11-20"))
    [res] = carry(nb, office.node_id, office, tmp_path)
    assert res.status == "quarantined"
    assert [k.which for k in office.repo.for_case(KeyDate, case.id)] == ["decision_letter"]
