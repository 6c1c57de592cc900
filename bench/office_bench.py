"""Office benchmark: case search and report generation over a large master record.

Run: ``python bench/office_bench.py [--docs 50000] [--volunteers 20] [--repeat 5]``

The master record is built in memory (the store's decrypted cache is what the office app
works on once unlocked) with records from ``--volunteers`` volunteers, mostly notes, as in
a real service. Each of ``--repeat`` rounds times a plain scan of the same data, then the
search, then the report (after a warm-up round); a figure is the median over the rounds of
its ratio to that round's plain scan (every document of every table read once and one
field touched), printed with every round's ratio.

1. search: build the case index (cases, families, children, flagged notes) and run one
   search, as the office's case list does when it opens;
2. report: the annual report for the year over every table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ips_field.actions.office.report_figures import build_report
from ips_field.actions.office.search import CaseIndex
from ips_field.domain.records import KINDS
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore

SURNAMES = ["Ashdown", "Barraclough", "Cavendish", "Delacourt", "Eastwood", "Fairweather"]
TEXT = "The parent said the mornings are hard and asked about a named adult at lunchtime."
TYPES = ["ehc_annual_review", "sen_support_review", "exclusion", "school_transfer"]


def doc(kind: str, origin: str, **fields: object) -> dict:
    base = {"id": str(uuid.uuid4()), "kind": kind, "origin": origin, "deleted": False}
    base.update(created_at="2026-01-01T00:00:00+00:00", clocks={}, **fields)
    return base


def build(docs: int, volunteers: int) -> tuple[Repository, dict[str, str]]:
    """A master record of about ``docs`` documents: per case 1 family, 1 child, 2 consents,
    2 meetings, 1 contact, 1 signposting and notes; per volunteer CPD and supervision."""
    store = MemoryStore()
    repo = Repository(store, node_id="office")
    names = {str(uuid.uuid4()): f"Volunteer {v}" for v in range(volunteers)}
    per_case = 50  # documents per case, mostly notes
    cases = max(1, docs // per_case)
    tables: dict[str, list[dict]] = {k: [] for k in KINDS}
    ids = list(names)
    for i in range(cases):
        vid = ids[i % volunteers]
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 330)
        case = doc(
            "case",
            vid,
            reference=f"C{i:05d}",
            status="closed" if i % 5 == 0 else "open",
            school=f"School {i % 97}",
            assigned_to=vid,
            opened_on=day.isoformat(),
            closed_on=(day + dt.timedelta(days=30)).isoformat() if i % 5 == 0 else None,
        )
        cid = case["id"]
        tables["case"].append(case)
        surname = f"{SURNAMES[i % 6]}{i}"
        tables["family"].append(
            doc("family", vid, case_id=cid, family_name=surname, parents=[{"name": "P"}])
        )
        tables["child"].append(doc("child", vid, case_id=cid, name=f"Kid {surname}"))
        for purpose in ("record", "share_office"):
            tables["consent"].append(
                doc("consent", vid, case_id=cid, purpose=purpose, given_on=day.isoformat())
            )
        for m in range(2):
            tables["meeting"].append(
                doc(
                    "meeting",
                    vid,
                    case_id=cid,
                    meeting_type=TYPES[(i + m) % 4],
                    starts_at=f"{day + dt.timedelta(days=7 * m)}T10:00",
                    status="held",
                    role_stated_at="x",
                )
            )
        tables["contact"].append(doc("contact", vid, case_id=cid, on=day.isoformat(), minutes=30))
        tables["signposting"].append(
            doc(
                "signposting", vid, case_id=cid, source_id="ipsea", source_name="IPSEA", on=str(day)
            )
        )
        for n in range(per_case - 10):
            tables["note"].append(
                doc(
                    "note",
                    vid,
                    case_id=cid,
                    voice="parent_view",
                    text=TEXT,
                    written_at=f"{day}T10:{n % 60:02d}:00",
                    flags=[{"phrase": "you should"}] if n == 0 and i % 7 == 0 else [],
                    supersedes=None,
                )
            )
    for v, vid in enumerate(ids):
        for k in range(max(1, docs // volunteers // 250)):
            tables["cpd"].append(
                doc("cpd", vid, on=f"2026-{1 + k % 12:02d}-10", title="T", hours=2.0, topics=[])
            )
            tables["supervision"].append(
                doc("supervision", vid, on=f"2026-{1 + k % 12:02d}-11", supervisor="S")
            )
        tables["evaluation"].append(
            doc(
                "evaluation",
                vid,
                case_id=tables["case"][v % cases]["id"],
                respondent="parent",
                returned_on="2026-06-01",
                scores={"impartiality": 4},
                impartial=True,
            )
        )
    for kind, rows in tables.items():
        if rows:
            store.table(kind).put_many(rows)
    return repo, names


def timed(func: Callable[[], object]) -> float:
    gc.collect()  # each measurement starts from the same heap; collections during it count
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--volunteers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repo, names = build(args.docs, args.volunteers)
    store = repo.store
    kinds = [k for k in KINDS if store.table(k).all()]
    total = sum(len(store.table(k).all()) for k in kinds)

    def scan() -> int:
        return sum(1 for k in kinds for d in store.table(k).all() if d.get("id"))

    def search() -> int:
        return len(CaseIndex.build(repo, names).search("ashdown 1"))

    def report() -> object:
        return build_report(repo, dt.date(2026, 1, 1), dt.date(2026, 12, 31), names=names)

    for func in (scan, search, report):  # warm-up, not measured
        func()
    times: dict[str, list[float]] = {"scan": [], "search": [], "report": []}
    ratios: dict[str, list[float]] = {"search": [], "report": []}
    for _ in range(args.repeat):  # each round measures all three, so load hits them alike
        t_scan = timed(scan)
        times["scan"].append(t_scan)
        for name, func in (("search", search), ("report", report)):
            t = timed(func)
            times[name].append(t)
            ratios[name].append(t / t_scan)
    median = statistics.median
    print(f"master record: {total} documents from {args.volunteers} volunteers")
    print(f"plain scan: {median(times['scan']) * 1000:8.1f} ms")
    for name, what in (
        ("search", "case index built and one search"),
        ("report", "report for one year"),
    ):
        rounds = ", ".join(f"{r:.2f}" for r in sorted(ratios[name]))
        print(
            f"{name + ':':<11} {median(times[name]) * 1000:8.1f} ms"
            f"   ratio {median(ratios[name]):5.2f}x   ({what}; median of {args.repeat} rounds:"
            f" {rounds})"
        )


if __name__ == "__main__":
    main()
