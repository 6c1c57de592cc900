"""Store benchmark: the encrypted store against TinyDB MemoryStorage, JSONStorage and sqlite3.

Run: ``python bench/store_bench.py [--sizes 1000,10000,50000] [--writes 30]``

For each size it measures, in the same run and on the same documents (~600-byte notes):
- per-change write latency (one document replaced, durable on return where the backend is
  durable: our store and JSONStorage fsync/flush, sqlite3 commits);
- open time of our store, key derivation reported apart, against decrypt-plus-parse of the
  same bytes (the floor for any encrypted format);
- a substring search over the note text;
- peak memory while opening (tracemalloc).
Ratios are printed against the other backends measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage, MemoryStorage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ips_field.store import store as store_mod
from ips_field.store.crypto import unseal
from ips_field.store.layout import BODY_INFO, parse
from ips_field.store.store import KdfParams, Store
from ips_field.store.table import IdTable

PASS = "benchmark passphrase here"
WORDS = "parent school review plan support needs meeting views reading speech".split()  # noqa: SIM905


def make_docs(n: int) -> list[dict]:
    docs = []
    for i in range(n):
        text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(75))[:600]
        docs.append(
            {
                "id": str(uuid.UUID(int=i + 1)),
                "kind": "note",
                "case_id": str(uuid.UUID(int=10**9 + i // 20)),
                "voice": "parent_view",
                "text": text + (" needle" if i % 1000 == 7 else ""),
                "written_at": "2026-11-01T10:00:00",
            }
        )
    return docs


def timed(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_size(n: int, writes: int, folder: Path) -> dict[str, float]:
    docs = make_docs(n)
    out: dict[str, float] = {}

    # TinyDB in memory: the in-process floor.
    TinyDB.table_class = IdTable
    mem = TinyDB(storage=MemoryStorage)
    t = mem.table("note", cache_size=0)
    t.put_many(docs)
    out["write_memory"] = timed(lambda i: t.put(dict(docs[i], text=f"edit {i}")), writes)
    out["search_memory"] = timed(lambda i: t.search(Query().text.search("needle")), 3)

    # TinyDB JSONStorage: plaintext, rewrites the whole file per change.
    jpath = folder / f"plain-{n}.json"
    jdb = TinyDB(jpath, storage=JSONStorage)
    jt = jdb.table("note", cache_size=0)
    jt.put_many(docs)
    out["write_json"] = timed(
        lambda i: jt.put(dict(docs[i], text=f"edit {i}")), max(3, writes // 10)
    )
    jdb.close()
    TinyDB.table_class = __import__("tinydb").table.Table

    # sqlite3: a durable embedded database.
    spath = folder / f"sq-{n}.db"
    con = sqlite3.connect(spath)
    con.execute("create table note (id text primary key, doc text)")
    con.executemany("insert into note values (?, ?)", [(d["id"], json.dumps(d)) for d in docs])
    con.commit()

    def sq_write(i: int) -> None:
        con.execute(
            "update note set doc=? where id=?",
            (json.dumps(dict(docs[i], text=f"e{i}")), docs[i]["id"]),
        )
        con.commit()

    out["write_sqlite"] = timed(sq_write, writes)
    out["search_sqlite"] = timed(
        lambda i: con.execute("select doc from note where doc like '%needle%'").fetchall(), 3
    )
    con.close()

    # Our encrypted store.
    path = folder / f"enc-{n}.ipsf"
    with Store.create(path, PASS, kdf=KdfParams.FOR_TESTS) as s:
        s.table("note").put_many(docs)
        s.compact()
    kdf_start = time.perf_counter()
    KdfParams.FOR_TESTS.derive(PASS, os.urandom(16))
    out["kdf"] = time.perf_counter() - kdf_start

    s = Store.open(path, PASS)
    dek = s._dek
    s.close()

    opened: list[Store] = []

    def open_with_key(i: int) -> None:
        opened.append(Store._open(path, lambda header: dek, False))

    def decrypt_parse(i: int) -> None:
        raw = path.read_bytes()
        parsed = parse(raw)
        json.loads(unseal(dek, parsed.salt, BODY_INFO, parsed.body, parsed.body_ad))

    # Interleave the two so both see the same machine state.
    samples, floor = [], []
    for i in range(7):
        start = time.perf_counter()
        open_with_key(i)
        samples.append(time.perf_counter() - start)
        opened.pop().close()  # closing (freeing the cache) is not part of opening
        floor.append(timed(decrypt_parse, 1))
    out["open_after_kdf"] = statistics.median(samples)
    out["decrypt_parse"] = statistics.median(floor)
    tracemalloc.start()
    open_with_key(0)
    opened.pop().close()
    out["open_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    s = Store.open(path, PASS)

    et = s.table("note")
    out["write_store"] = timed(lambda i: et.put(dict(docs[i], text=f"edit {i}")), writes)
    out["search_store"] = timed(lambda i: et.search(Query().text.search("needle")), 3)
    s.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--writes", type=int, default=30)
    args = parser.parse_args()
    print(
        f"compaction threshold: {store_mod.COMPACT_MIN_BYTES} bytes; KDF for the run: 64 MiB, t=1"
    )
    header = (
        f"{'docs':>7} {'write ms: store':>16} {'memory':>8} {'json':>9} {'sqlite':>8}"
        f" {'json/store':>11} {'store/mem':>10} {'open ms':>8} {'dec+parse':>9} {'ratio':>6}"
        f" {'search ms st/mem/sq':>20} {'peak MiB':>9}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            r = bench_size(n, args.writes, Path(tmp))
            ms = {k: v * 1000 for k, v in r.items()}
            print(
                f"{n:>7} {ms['write_store']:>16.2f} {ms['write_memory']:>8.2f}"
                f" {ms['write_json']:>9.1f}"
                f" {ms['write_sqlite']:>8.2f} {r['write_json'] / r['write_store']:>10.1f}x"
                f" {r['write_store'] / r['write_memory']:>9.2f}x {ms['open_after_kdf']:>8.1f}"
                f" {ms['decrypt_parse']:>9.1f} {r['open_after_kdf'] / r['decrypt_parse']:>5.2f}x"
                f" {ms['search_store']:>7.1f}/{ms['search_memory']:.1f}/{ms['search_sqlite']:.1f}"
                f" {r['open_peak_mib']:>9.1f}"
            )
            print(f"        (key derivation, reported apart: {ms['kdf']:.0f} ms)")


if __name__ == "__main__":
    main()
