"""A poisoned or shared inbox folder: each entry handled alone, nothing not ours touched.

Every file/folder example of issue 11 (DESIGN.md §5 "Files", §6 "a poisoned or crowded
inbox"), through :func:`sync.inbox.import_paths`, the one action both command lines and
both apps call.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.store import KdfParams, Store
from sync import audit
from sync.bundle import MAGIC
from sync.exchange import IMPORTED, export_bundle
from sync.inbox import import_paths
from sync.node import SyncNode

K = KdfParams.FOR_TESTS


@dataclass
class World:
    tmp: Path
    office: SyncNode
    anna: SyncNode
    ben: SyncNode
    a: str
    b: str
    inbox: Path


def enrol(tmp: Path, name: str, office: SyncNode) -> tuple[SyncNode, str]:
    store = Store.create(tmp / name / "v.ipsf", "volunteer passphrase", kdf=K)
    invite, code, vid = off.enrol(office, name)
    reply, vol_fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), vol_fp)
    return SyncNode(store, "volunteer"), vid


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Office and two enrolled volunteers, made once (enrolment runs Argon2id 4 times)."""
    tmp = tmp_path_factory.mktemp("template")
    office = off.init_office(
        tmp / "office.ipsf", "office words", "recovery words", tmp / "rk.key", kdf=K
    )
    anna, a = enrol(tmp, "Anna", office)
    ben, b = enrol(tmp, "Ben", office)
    for node, vid in ((anna, a), (ben, b)):  # roster and recovery key reach both laptops
        import_paths(node, [off.export_for(office, vid, tmp / f"to-{vid}")])
    for node in (office, anna, ben):
        node.store.close()
    return tmp, a, b


@pytest.fixture
def world(template: tuple[Path, str, str], tmp_path: Path) -> World:
    import shutil

    src, a, b = template
    for name in ("office.ipsf", "Anna/v.ipsf", "Ben/v.ipsf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / name, tmp_path / name)
    office = off.open_office(tmp_path / "office.ipsf", "office words")
    anna = SyncNode(Store.open(tmp_path / "Anna/v.ipsf", "volunteer passphrase"), "volunteer")
    ben = SyncNode(Store.open(tmp_path / "Ben/v.ipsf", "volunteer passphrase"), "volunteer")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    yield World(tmp_path, office, anna, ben, a, b, inbox)
    for node in (office, anna, ben):
        with contextlib.suppress(Exception):
            node.store.close()


def anna_bundle(world: World, text: str = "a note", folder: Path | None = None) -> Path:
    case = world.anna.repo.save(
        Case(reference="A-1", school="Hill School", opened_on="2026-11-01", assigned_to=world.a)
    )
    world.anna.repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    world.anna.repo.add_note(Note(case_id=case.id, text=text))
    return export_bundle(world.anna, world.office.node_id, folder or world.inbox)


def notes(node: SyncNode) -> list[str]:
    return sorted(n.text for n in node.repo.all(Note))


# -- links, FIFOs, devices, folders, huge files -------------------------------------------


def test_symlink_at_the_reason_path_does_not_overwrite_the_master_record(world: World) -> None:
    master = Path(world.office.store.path)
    junk = world.inbox / "0123.ipsb"
    junk.write_bytes(MAGIC + b"\0" * 100)  # ours by magic, damaged: it is quarantined
    q = world.inbox / "quarantine"
    q.mkdir()
    os.symlink(master, q / "0123.ipsb.reason.txt")
    report = import_paths(world.office, [world.inbox])
    assert report.quarantined == 1
    # The link was not followed: the master record is still a store (the import itself
    # wrote its audit entry into it) and holds no reason text.
    world.office.store.close()
    assert b"damaged" not in master.read_bytes()  # (the reason text would be in clear)
    off.open_office(master, "office words").store.close()
    moved = [p for p in q.iterdir() if p.suffix == ".ipsb"]
    assert len(moved) == 1 and moved[0].name != "0123.ipsb"  # a new name, nothing replaced
    reason = moved[0].with_name(moved[0].name + ".reason.txt").read_text()
    assert "truncated or damaged" in reason
    assert (q / "0123.ipsb.reason.txt").is_symlink()


def test_fifo_device_link_and_folder_named_like_bundles_are_left_alone(world: World) -> None:
    good = anna_bundle(world, "the real one")
    os.mkfifo(world.inbox / "fifo.ipsb")
    os.symlink("/dev/zero", world.inbox / "zero.ipsb")
    os.symlink(good, world.inbox / "link-to-good.ipsb")
    (world.inbox / "x.ipsb").mkdir()
    (world.inbox / "x.ipsb" / "inner.ipsb").write_bytes(good.read_bytes())
    report = import_paths(world.office, [world.inbox])  # returns: the FIFO is never opened
    assert report.imported == 1 and report.quarantined == 0
    assert "the real one" in notes(world.office)
    for name in ("fifo.ipsb", "zero.ipsb", "link-to-good.ipsb", "x.ipsb"):
        assert os.path.lexists(world.inbox / name), name
    assert (world.inbox / "x.ipsb" / "inner.ipsb").exists()  # never walked into
    assert not (world.inbox / "quarantine").exists()


def test_named_fifo_and_device_link_get_one_line_and_no_hang(world: World) -> None:
    os.mkfifo(world.tmp / "named.ipsb")
    os.symlink("/dev/zero", world.tmp / "dev.ipsb")
    report = import_paths(world.office, [world.tmp / "named.ipsb", world.tmp / "dev.ipsb"])
    assert report.skipped == 2 and not report.failed
    assert all("left alone" in line and "\n" not in line for line in report.lines)


def test_two_gib_sparse_file_is_refused_by_size_without_reading_it(world: World) -> None:
    huge = world.inbox / "huge.ipsb"
    with huge.open("wb") as fh:
        fh.write(MAGIC)
        fh.truncate(2 * 1024**3)  # sparse: costs no disk
    plain = world.inbox / "zeros.ipsb"
    with plain.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # no magic: not ours
    tracemalloc.start()
    report = import_paths(world.office, [world.inbox])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, peak
    assert report.quarantined == 1
    assert any("larger than the allowed size" in line for line in report.lines)
    assert (world.inbox / "quarantine" / "huge.ipsb").exists()
    assert plain.exists()  # not ours: untouched


def test_newline_and_escape_in_a_file_name_cannot_forge_output(world: World) -> None:
    good = anna_bundle(world)
    evil = world.inbox / "x\nzz.ipsb: 99 new notes for 9 cases\x1b[31m.ipsb"
    good.rename(evil)
    report = import_paths(world.office, [world.inbox])
    assert report.imported == 1
    lines = report.all_lines()
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    assert any("\\x0azz.ipsb" in line and "\\x1b[31m" in line for line in lines)


# -- one bundle, one outcome ---------------------------------------------------------------


def test_an_unforeseen_exception_quarantines_only_that_bundle(world: World, monkeypatch) -> None:
    import sync.exchange as exchange

    first = anna_bundle(world, "first")
    os.utime(first, (1, 1))  # oldest: imported first
    real = exchange.apply_ops
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyError("Family name Zebedee")  # record text inside an exception
        return real(*args, **kwargs)

    monkeypatch.setattr(exchange, "apply_ops", flaky)
    ben_case = world.ben.repo.save(
        Case(reference="B-1", school="Elm", opened_on="2026-11-02", assigned_to=world.b)
    )
    world.ben.repo.save(Consent(case_id=ben_case.id, purpose="record", given_on="2026-11-02"))
    world.ben.repo.add_note(Note(case_id=ben_case.id, text="from ben"))
    export_bundle(world.ben, world.office.node_id, world.inbox)
    report = import_paths(world.office, [world.inbox])
    assert report.quarantined == 1 and report.imported == 1
    assert notes(world.office) == ["from ben"]  # nothing of the failed bundle applied
    text = "\n".join(report.all_lines())
    assert "unexpected KeyError" in text and "Zebedee" not in text
    reasons = list((world.inbox / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == 1 and "Zebedee" not in reasons[0].read_text()
    details = [e["detail"] for e in audit.entries(world.office) if e["action"] == "import"]
    assert sorted(d.rsplit(": ", 1)[1].split()[0] for d in details) == [
        "imported",
        "quarantined",
    ]


def test_imported_bundle_is_overwritten_and_deleted_and_its_hash_kept(world: World) -> None:
    path = anna_bundle(world, "kept as hash only")
    data = path.read_bytes()
    assert import_paths(world.office, [path]).imported == 1
    assert not path.exists()
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    assert world.office.store.table(IMPORTED).get_id(digest) is not None
    path.write_bytes(data)  # the same file comes back: a replay, removed again
    report = import_paths(world.office, [path])
    assert report.replays == 1 and not path.exists() and not report.failed


def test_old_format_bundle_is_quarantined_with_a_clear_reason(world: World) -> None:
    from tests.unit.test_bundle import old_format

    (world.inbox / "old-for-office.ipsb").write_bytes(old_format(world.office.identity))
    (world.inbox / "old-for-anna.ipsb").write_bytes(old_format(world.anna.identity))
    report = import_paths(world.office, [world.inbox])
    assert report.quarantined == 1 and report.others == 1
    assert any("older format: update ips-field" in line for line in report.lines)
    assert (world.inbox / "old-for-anna.ipsb").exists()


# -- a shared folder, stale replies, read-only media -------------------------------------


def test_other_peoples_bundles_in_a_shared_folder_are_left_alone(world: World) -> None:
    shared = world.inbox
    to_anna = off.export_for(world.office, world.a, shared)
    to_ben = off.export_for(world.office, world.b, shared)
    from_anna = anna_bundle(world, "for the office", shared)
    ben_report = import_paths(world.ben, [shared])
    assert ben_report.imported == 1 and ben_report.others == 2 and not ben_report.failed
    assert "2 for others, left alone" in ben_report.closing()
    assert to_anna.exists() and from_anna.exists() and not to_ben.exists()
    office_report = import_paths(world.office, [shared])
    assert office_report.imported == 1 and office_report.others == 1
    assert to_anna.exists() and not from_anna.exists()
    assert not (shared / "quarantine").exists()


def test_stale_enrolment_reply_is_quarantined_and_the_run_goes_on(world: World) -> None:
    store = Store.create(world.tmp / "late" / "v.ipsf", "volunteer passphrase", kdf=K)
    invite, code, _ = off.enrol(world.office, "Late Volunteer")
    reply, _, _ = off.volunteer_enrol(store, invite, code)
    other = Store.create(world.tmp / "other" / "v.ipsf", "volunteer passphrase", kdf=K)
    invite2, code2, _ = off.enrol(world.office, "Other")
    reply2, fp2, _ = off.volunteer_enrol(other, invite2, code2)
    off.confirm_enrolment(world.office, off.read_enrolment_reply(world.office, reply2), fp2)
    (world.inbox / "stale.ipsr").write_bytes(reply2)  # already used: no invitation waits
    (world.inbox / "fresh.ipsr").write_bytes(reply)
    anna_bundle(world, "after the replies")
    seen = []
    report = import_paths(world.office, [world.inbox], on_reply=lambda p: seen.append(p) or "ok")
    assert report.quarantined == 1 and report.enrolled == 1 and report.imported == 1
    assert "after the replies" in notes(world.office)
    assert (world.inbox / "quarantine" / "stale.ipsr").exists()
    reason = (world.inbox / "quarantine" / "stale.ipsr.reason.txt").read_text()
    assert "no invitation is waiting" in reason
    assert not (world.inbox / "fresh.ipsr").exists()  # used once, removed


def test_write_protected_folder_still_imports_and_says_files_were_not_moved(
    world: World, monkeypatch
) -> None:
    """Simulated read-only stick (the tests may run as root, where chmod does not bite)."""
    bad = world.inbox / "aaaa.ipsb"
    bad.write_bytes(MAGIC + bytes(50))
    os.utime(bad, (1, 1))  # sorted first
    good = anna_bundle(world, "through read-only media")
    stick = str(world.inbox)

    def on_stick(path) -> bool:
        return os.fspath(path).startswith(stick)

    def refuse(real):
        def inner(path, *args, **kwargs):
            if on_stick(path):
                raise OSError(errno.EROFS, "Read-only file system")
            return real(path, *args, **kwargs)

        return inner

    real_open = os.open

    def ro_open(path, flags, *args, **kwargs):
        if on_stick(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", ro_open)
    for name in ("unlink", "mkdir", "rename", "replace"):
        monkeypatch.setattr(os, name, refuse(getattr(os, name)))
    real_link = os.link

    def ro_link(src, dst, **kwargs):
        if on_stick(dst):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", ro_link)
    report = import_paths(world.office, [world.inbox])
    monkeypatch.undo()
    assert report.imported == 1 and report.quarantined == 1
    assert "through read-only media" in notes(world.office)
    assert report.not_moved == 2
    assert "could not move or remove 2 files" in report.closing()
    assert bad.exists() and good.exists()


# -- commands given a file that is not a bundle ---------------------------------------------


def test_office_import_of_the_master_record_leaves_it_alone(world: World, tmp_path) -> None:
    from click.testing import CliRunner

    from ips_field.cli.office import main

    master = tmp_path / "cli-office.ipsf"
    env = {
        "IPS_FIELD_TEST_KDF": "1",
        "IPS_OFFICE_PASSPHRASE": "office pass words here",
        "IPS_OFFICE_RECOVERY_PASSPHRASE": "recovery pass words",
    }
    runner = CliRunner()
    init = ["init", "--store", str(master), "--recovery-key", str(tmp_path / "rk2.key")]
    assert runner.invoke(main, init, env=env).exit_code == 0
    before = master.read_bytes()
    result = runner.invoke(main, ["import", str(master), "--store", str(master)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "cli-office.ipsf: not a sync bundle or enrolment file: left alone"
    assert master.read_bytes() == before and not (tmp_path / "quarantine").exists()
    again = runner.invoke(main, ["report", "--store", str(master)], env=env)
    assert "no store found" not in again.output


def test_volunteer_sync_import_of_its_own_store_leaves_it_alone(tmp_path) -> None:
    from click.testing import CliRunner

    from ips_field.cli.volunteer import main

    path = tmp_path / "mine.ipsf"
    with Store.create(path, "volunteer words here", kdf=K) as store:
        SyncNode.create(store, "volunteer")  # keys made, as at enrolment
    env = {"IPS_FIELD_PASSPHRASE": "volunteer words here", "IPS_FIELD_STORE": str(path)}
    result = CliRunner().invoke(main, ["sync", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "mine.ipsf: not a sync bundle or enrolment file: left alone" in result.output
    assert not (tmp_path / "quarantine").exists()
    Store.open(path, "volunteer words here").close()  # still there, still a store


def test_a_hard_link_planted_in_the_inbox_is_unlinked_not_overwritten(world: World) -> None:
    elsewhere = world.tmp / "keep" / "mine.ipsb"
    elsewhere.parent.mkdir()
    path = anna_bundle(world, "hard linked")
    os.link(path, elsewhere)
    data = elsewhere.read_bytes()
    assert import_paths(world.office, [path]).imported == 1
    assert not path.exists() and elsewhere.read_bytes() == data
