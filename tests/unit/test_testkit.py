"""The negative test kit: every file gives its defined outcome at the open stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync import errors
from sync.keys import NodeIdentity, b64d
from sync.roster import verify_roster
from tests import testkit


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> tuple[Path, list[testkit.KitCase]]:
    out = tmp_path_factory.mktemp("kit")
    return out, testkit.generate_kit(out)


def test_kit_covers_every_failure_mode(kit) -> None:
    _, cases = kit
    names = {case.name for case in cases}
    required = {
        "ok", "bad_magic", "truncated", "flip_magic", "flip_enc", "flip_ciphertext", "flip_tag",
        "oversized", "wrong_recipient", "unknown_signer", "revoked_signer",
        "signed_for_other_recipient", "old_roster", "replay", "decompression_bomb",
        "malformed_operation", "unauthorised_operation",
    }  # fmt: skip
    assert required <= names
    for case in cases:
        assert case.expected in ("ok", "replay") or issubclass(
            getattr(errors, case.expected), errors.SyncError
        )


def test_each_open_stage_case_gives_its_error(kit) -> None:
    _, cases = kit
    for case in cases:
        payload, exc = testkit.open_case(case)
        assert case.matches(exc), (case.name, type(exc).__name__)
        if case.stage == "open" and case.expected != "ok":
            assert payload is None
            assert isinstance(exc, getattr(errors, case.expected))
            assert "\n" not in str(exc)


def test_import_stage_cases_open_cleanly(kit) -> None:
    _, cases = kit
    by_name = {case.name: case for case in cases}
    for name in ("replay", "malformed_operation", "unauthorised_operation"):
        case = by_name[name]
        assert case.stage == "import"
        payload, exc = testkit.open_case(case)
        assert exc is None and payload is not None
    assert by_name["replay"].after == "ok"
    assert by_name["replay"].path.read_bytes() == by_name["ok"].path.read_bytes()
    unauthorised, _ = testkit.open_case(by_name["unauthorised_operation"])
    assert unauthorised["ops"][0]["case_id"] == testkit.kit_case_of_b()
    setup = testkit.kit_setup_records()
    assert setup[0]["id"] == testkit.kit_case_of_b()
    assert setup[0]["assigned_to"] == testkit.kit_identities()["volunteer_b"].node_id


def test_kit_files_carry_no_plaintext(kit) -> None:
    _, cases = kit
    ids = testkit.kit_identities()
    needles = [m.encode() for m in testkit.KIT_MARKERS]
    needles += [ident.node_id.encode() for ident in ids.values()]
    needles.append(testkit.kit_case_of_b().encode())
    for case in cases:
        if case.name == "oversized":
            continue
        data = case.path.read_bytes()
        for needle in needles:
            assert needle not in data, (case.name, needle)


def test_keys_and_ids_are_deterministic(tmp_path, kit) -> None:
    first = testkit.kit_identities()
    second = testkit.kit_identities()
    for name in first:
        assert first[name].public == second[name].public
    again = testkit.generate_kit(tmp_path)
    _, cases = kit
    assert [c.to_dict() for c in again] == [c.to_dict() for c in cases]
    # Same outcome whatever the run (bytes differ: HPKE's ephemeral key is fresh each time).
    for case in again:
        assert case.matches(testkit.open_case(case)[1])


def test_manifest_describes_the_kit(kit) -> None:
    out, cases = kit
    manifest = json.loads((out / "manifest.json").read_text())
    assert [c["name"] for c in manifest["cases"]] == [c.name for c in cases]
    assert all((out / c["file"]).exists() for c in manifest["cases"])
    office = NodeIdentity.from_secret_dict(manifest["receivers"]["office"])
    roster = verify_roster(b64d(manifest["roster"]), office.public)
    assert roster == testkit.kit_roster()
    assert "TEST KIT" in manifest["warning"]


def test_command_line_writes_the_kit(tmp_path) -> None:
    out = tmp_path / "cli-kit"
    result = subprocess.run(
        [sys.executable, "-m", "tests.testkit", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").exists() and (out / "ok.ipsb").exists()
    assert "manifest.json written" in result.stdout


def test_kit_operations_follow_the_repository_op_format(kit) -> None:
    from ips_field.domain.records import Case

    _, cases = kit
    by_name = {case.name: case for case in cases}
    op_keys = {"id", "seq", "origin", "kind", "record_id", "case_id", "action", "fields"}
    op_keys |= {"clocks", "at"}
    for name in ("ok", "unauthorised_operation"):
        payload, _ = testkit.open_case(by_name[name])
        for op in payload["ops"]:
            assert set(op) == op_keys
            assert op["origin"] == payload["sender"]
            # a creating op's created_at and origin travel without clocks, as in the
            # repository's own ops
            assert set(op["clocks"]) == set(op["fields"]) - {"created_at", "origin"}
    ok, _ = testkit.open_case(by_name["ok"])
    new_case = ok["ops"][0]
    Case.from_dict({"id": new_case["record_id"], **new_case["fields"]}).validate()
    Case.from_dict(testkit.kit_setup_records()[0]).validate()
