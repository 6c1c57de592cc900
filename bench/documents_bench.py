"""Documents benchmark: the annual report to the Advisory Group built over a large master
record, as Word and as PDF, next to computing its figures alone.

Run: ``python bench/documents_bench.py [--docs 50000] [--volunteers 20] [--repeat 5]``

The master record is ``office_bench``'s (mostly notes, as in a real service), with a comment
on every returned evaluation so the anonymiser runs. Each round times, after a warm-up:

1. figures: ``build_monitoring`` for the year and the same year before (every table read
   twice, comments anonymised);
2. docx / pdf: the same figures, laid out as the document and rendered, charts included
   (matplotlib's Agg canvas, PNG in memory) — what ``ips-office report --format docx|pdf``
   does between opening the record and writing the file.

A ratio is the document's time over that round's figures time; the figure printed is the
median over the rounds (target: within 3x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.office_bench import build, timed
from ips_field.actions.office.monitoring import build_monitoring
from ips_field.documents import render
from ips_field.documents.monitoring import monitoring_document

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--volunteers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repo, names = build(args.docs, args.volunteers)
    table = repo.store.table("evaluation")
    table.put_many([{**d, "comments": "Kid Ashdown0 and P felt listened to"} for d in table.all()])
    total = sum(len(repo.store.table(k).all()) for k in repo.store.tables())

    def figures() -> object:
        return build_monitoring(repo, START, END, names=names, kind="annual", service="Bench")

    def document(fmt: str) -> bytes:
        return render(monitoring_document(figures()), fmt)  # type: ignore[arg-type]

    steps = {"figures": figures, "docx": lambda: document("docx"), "pdf": lambda: document("pdf")}
    for func in steps.values():  # warm-up: imports, fonts, caches
        func()
    times: dict[str, list[float]] = {k: [] for k in steps}
    ratios: dict[str, list[float]] = {"docx": [], "pdf": []}
    for _ in range(args.repeat):
        base = timed(figures)
        times["figures"].append(base)
        for fmt in ("docx", "pdf"):
            t = timed(steps[fmt])
            times[fmt].append(t)
            ratios[fmt].append(t / base)
    median = statistics.median
    print(f"master record: {total} documents from {args.volunteers} volunteers")
    print(f"figures:   {median(times['figures']) * 1000:8.1f} ms (the year and the year before)")
    for fmt in ("docx", "pdf"):
        rounds = ", ".join(f"{r:.2f}" for r in sorted(ratios[fmt]))
        print(
            f"{fmt + ':':<10} {median(times[fmt]) * 1000:8.1f} ms   ratio "
            f"{median(ratios[fmt]):5.2f}x   (figures + document + charts; rounds: {rounds})"
        )


if __name__ == "__main__":
    main()
