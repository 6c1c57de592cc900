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
# Written after the matcher and measured once; five labels since corrected, each with its
# reason in the file's header, so now development data.
BLIND_FILE = DATA / "school_pairs_blind.yaml"
# Written by another engineer who never saw the matcher (issue 17, second round); its
# first measurement is in its header.
BLIND2_FILE = DATA / "school_pairs_blind2.yaml"
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


def test_blind_pairs_at_least_0_97_and_no_same_pair_missed() -> None:
    data = pairs(BLIND_FILE)
    assert len(data) >= 60
    accuracy, wrong, missed = measure(data)
    assert not missed, missed
    assert accuracy >= 0.97, wrong


def test_second_blind_pairs_no_same_pair_missed_and_no_wrong_definite_answer() -> None:
    """The second blind set has two labels only (same / different: whether a person means
    the one setting), so a "possible" (the check warns and asks) can never be exactly
    right there. First measured at 0.935 (101 of 108), no same pair missed, all seven
    wrong answers "possible" where one name leaves out the phase (one same, five
    different) or adds a nursery class (one same). Held: no same pair missed, no definite
    answer wrong (a same said different or a different said same), and the exact figure
    not below its first measurement."""
    data = pairs(BLIND2_FILE)
    assert len(data) >= 100
    assert len({(a, b) for _, a, b in data}) == len(data), "no pair twice"
    accuracy, wrong, missed = measure(data)
    assert not missed, missed
    definite = [w for w in wrong if w[1] != "possible"]
    print(f"definite answers wrong: {len(definite)}")
    assert not definite, definite
    assert accuracy >= 0.935, wrong
