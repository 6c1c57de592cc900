"""The school-name matcher measured on labelled pairs (tests/data/school_pairs.yaml).

Each pair is labelled ``same``, ``possible`` (one side leaves out the phase or the
denomination: the check warns and asks) or ``different``. Accuracy (the label given
exactly) must be at least 0.97, and no ``same`` pair may come back ``different`` (a missed
conflict of interest). Figures print with ``pytest -s``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from ips_field.domain.conflicts import org_match

DATA = Path(__file__).resolve().parent.parent / "data"
PAIRS_FILE = DATA / "school_pairs.yaml"
# Written after the matcher and measured once, never tuned on (see the file's header).
BLIND_FILE = DATA / "school_pairs_blind.yaml"
LABELS = ("same", "possible", "different")


def pairs(path: Path = PAIRS_FILE) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [tuple(p) for p in yaml.safe_load(fh)["pairs"]]


def test_the_set_is_large_and_labelled() -> None:
    data = pairs()
    assert len(data) >= 200
    assert all(len(p) == 3 and p[0] in LABELS for p in data)
    counts = Counter(p[0] for p in data)
    assert counts["same"] >= 80 and counts["different"] >= 60 and counts["possible"] >= 10
    assert len({(a, b) for _, a, b in data}) == len(data), "no pair twice"


def measure(data: list[tuple[str, str, str]]) -> tuple[float, list, list]:
    wrong = []
    for label, a, b in data:
        got, back = org_match(a, b), org_match(b, a)
        assert got == back, (a, b)  # the order of the two names never matters
        if got != label:
            wrong.append((label, got, a, b))
    accuracy = 1 - len(wrong) / len(data)
    missed = [w for w in wrong if w[0] == "same" and w[1] == "different"]
    print(f"\naccuracy {accuracy:.3f} ({len(data) - len(wrong)}/{len(data)})")
    print(f"same pairs missed (said different): {len(missed)}")
    for label, got, a, b in wrong:
        print(f"  {label} -> {got}: {a!r} / {b!r}")
    return accuracy, wrong, missed


def test_accuracy_at_least_0_97_and_no_same_pair_missed() -> None:
    accuracy, wrong, missed = measure(pairs())
    assert not missed, missed
    assert accuracy >= 0.97, wrong


def test_blind_pairs_do_not_get_worse() -> None:
    data = pairs(BLIND_FILE)
    assert len(data) >= 60
    accuracy, wrong, missed = measure(data)
    # Measured once at 0.923 with one same pair missed; a guard, not a target.
    assert accuracy >= 0.9, wrong
    assert len(missed) <= 1, missed
