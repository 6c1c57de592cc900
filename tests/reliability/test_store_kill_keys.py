"""SIGKILL a process inside compactions and passphrase changes: on the next open no temp file
is left, the store opens, and ``.prev`` never opens with a passphrase that was changed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ips_field.errors import WrongPassphrase
from ips_field.store.store import KdfParams, Store

A, B = "first kill passphrase", "second kill passphrase"

WRITER = """
import sys
from ips_field.store.store import KdfParams, Store
path, a, b = sys.argv[1:4]
current = a
s = Store.open(path, current)
n = 0
while True:
    n += 1
    s.table("note").put({"id": f"n{n % 30}", "text": "x" * 20000})
    s.compact()
    current = b if current == a else a
    s.change_passphrase(current, kdf=KdfParams.FOR_TESTS)
    print(current, flush=True)
"""


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def opens_with(path: Path) -> str | None:
    for p in (A, B):
        try:
            Store.open(path, p, read_only=True).close()
            return p
        except WrongPassphrase:
            continue
    return None


def kill_loop(tmp_path: Path, kills: int, seed: int) -> int:
    rng = random.Random(seed)
    path = tmp_path / "kill.ipsf"
    Store.create(path, A, kdf=KdfParams.FOR_TESTS).close()
    current, interrupted = A, 0
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), current, B if current == A else A],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # one whole round acknowledged
        time.sleep(rng.random() * 0.3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        interrupted += bool(leftovers(tmp_path))
        current = opens_with(path) or pytest.fail("the store opens with neither passphrase")
        with Store.open(path, current) as store:  # cleans up and reconciles .prev
            assert store.table("note").all() is not None
        assert leftovers(tmp_path) == []
        prev = path.with_name(path.name + ".prev")
        if prev.exists():
            copy = tmp_path / "prev-copy.ipsf"
            copy.write_bytes(prev.read_bytes())
            assert opens_with(copy) == current, ".prev opens with a changed passphrase"
            copy.unlink()
            copy.with_name(copy.name + ".lock").unlink(missing_ok=True)
    return interrupted


def test_kills_in_compaction_and_passphrase_change(tmp_path: Path) -> None:
    kill_loop(tmp_path, kills=5, seed=12)


@pytest.mark.long
def test_kills_in_compaction_and_passphrase_change_long(tmp_path: Path) -> None:
    interrupted = kill_loop(tmp_path, kills=60, seed=1212)
    assert interrupted  # some kills did land inside a rewrite
