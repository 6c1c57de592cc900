"""Language-check benchmark: one 300-character note checked against the packaged rules, as
on every key press in a meeting, with each rule tried only where the note has a word it can
start with (the check as shipped) and with every rule tried at every place.

Run: ``python bench/language_bench.py [--repeat 7] [--checks 100]``

Each round times ``--checks`` checks of each kind, after a warm-up; the figure printed is
the median over the rounds of the shipped check's time per check and of its ratio to the
every-place check in the same round (target, issue 17: under 0.6, and well within a key
press).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.office_bench import timed
from ips_field.domain.language import LanguageRule, check_text
from ips_field.templates.loader import load_templates

NOTE = (
    "Met mum at school with the SENCO. Mum feels the school is not meeting his needs; "
    "the SENCO said the LA must reply within 6 weeks. You really should appeal this. "
    "Explained the options: ask for a review, mediation, or an appeal to the Tribunal. "
    "Mum will decide after half term, once she has read it all again."
)[:300]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--checks", type=int, default=100)
    args = parser.parse_args()
    shipped = load_templates()[0].language
    everywhere = [dataclasses.replace(r, starts=()) for r in shipped]

    def checks(rules: list[LanguageRule]) -> None:
        for _ in range(args.checks):
            check_text(NOTE, rules, "general")

    checks(shipped)  # warm-up: compiled patterns
    checks(everywhere)
    per_check: list[float] = []
    ratios: list[float] = []
    for round_no in range(1, args.repeat + 1):
        fast, slow = timed(lambda: checks(shipped)), timed(lambda: checks(everywhere))
        per_check.append(fast / args.checks)
        ratios.append(fast / slow)
        print(f"round {round_no}: {fast / args.checks * 1000:.2f} ms a check, {fast / slow:.2f}x")
    print(
        f"{len(shipped)} rules, a {len(NOTE)}-character note: "
        f"{statistics.median(per_check) * 1000:.2f} ms a check (median), "
        f"{statistics.median(ratios):.2f}x the every-place check"
    )


if __name__ == "__main__":
    main()
