"""The neutral-language check measured on labelled corpora of note sentences.

``tests/data/directive_corpus.yaml`` is the tuning set; ``directive_corpus_heldout.yaml``
(a third of the first 327 sentences) was written at the same time, before the rules, and
is only measured; ``directive_corpus_after.yaml`` was written after the first rules and
became a second tuning set. Precision and recall must each be at least 0.9 on these.
``directive_corpus_blind.yaml`` was written after the second round and measured once at
precision 0.900, recall 0.290; the third round (issue 17, h17: rules by structure rather
than phrases) used it as development data, so it no longer estimates anything.
``directive_corpus_blind2.yaml`` was written by another engineer who never saw the rules
or the other corpora, and measured once before any change for it: precision 0.982, recall
0.659 (the rules before the third round: 0.962, 0.600). Its errors were then looked at
and general rules added (see its header), so it is development data now too. Every set is
gated at 0.9 for both. A sentence labelled directive or partisan should be flagged, a
neutral one not. Figures print with ``pytest -s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ips_field.domain.language import check_text
from ips_field.domain.vocabulary import VOICES
from ips_field.templates.loader import load_templates

DATA = Path(__file__).resolve().parent.parent / "data"
SETS = {
    "tuning": "directive_corpus.yaml",
    "held-out": "directive_corpus_heldout.yaml",
    "second tuning": "directive_corpus_after.yaml",
    "blind": "directive_corpus_blind.yaml",
    "blind2": "directive_corpus_blind2.yaml",
}
# (precision, recall) floors other than 0.9 / 0.9: none since issue 17's third round.
FLOORS: dict[str, tuple[float, float]] = {}
LABELS = ("directive", "partisan", "neutral")
RULES = load_templates()[0].language


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    wrong: list[tuple[str, str, str]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["sentences"]


def score(sentences: list[dict[str, str]]) -> Scores:
    tp = fp = fn = tn = 0
    wrong = []
    for s in sentences:
        flagged = bool(check_text(s["text"], RULES, s["voice"]))
        positive = s["label"] != "neutral"
        if flagged and positive:
            tp += 1
        elif flagged:
            fp += 1
            wrong.append(("false flag", s["voice"], s["text"]))
        elif positive:
            fn += 1
            wrong.append(("missed", s["voice"], s["text"]))
        else:
            tn += 1
    return Scores(tp, fp, fn, tn, wrong)


def test_corpus_is_large_labelled_and_covers_every_voice() -> None:
    everything = [s for name in SETS.values() for s in load(name)]
    assert len(everything) >= 300
    assert all(set(s) == {"voice", "label", "text"} for s in everything)
    assert all(s["label"] in LABELS and s["voice"] in VOICES for s in everything)
    for name in SETS.values():
        texts = [s["text"] for s in load(name)]
        assert len(texts) == len(set(texts)), f"no sentence twice in {name}"
    # The second blind set was written apart and shares three sentences with the others
    # (two from the text); a sentence in two sets has the same label in both.
    labels: dict[str, set[str]] = {}
    for s in everything:
        labels.setdefault(s["text"], set()).add(s["label"])
    assert all(len(v) == 1 for v in labels.values())
    assert sum(len(load(n)) for n in SETS.values()) - len(labels) <= 3
    voices = {s["voice"] for s in everything}
    assert voices == set(VOICES)
    first = load(SETS["tuning"]) + load(SETS["held-out"])
    assert len(first) >= 300
    assert len(load(SETS["held-out"])) >= len(first) // 3
    for label in LABELS:
        assert sum(s["label"] == label for s in everything) >= 40


@pytest.mark.parametrize("which", list(SETS))
def test_precision_and_recall(which: str) -> None:
    result = score(load(SETS[which]))
    print(
        f"\n{which}: precision {result.precision:.3f} recall {result.recall:.3f} "
        f"(tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn})"
    )
    for why, voice, text in result.wrong:
        print(f"  {why} [{voice}]: {text}")
    least_precision, least_recall = FLOORS.get(which, (0.9, 0.9))
    assert result.precision >= least_precision, result.wrong
    assert result.recall >= least_recall, result.wrong
