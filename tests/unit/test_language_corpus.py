"""The neutral-language check measured on a labelled corpus of note sentences.

``tests/data/directive_corpus.yaml`` is the tuning set; ``directive_corpus_heldout.yaml``
(a third of the sentences) was written at the same time and is only measured. A sentence
labelled directive or partisan should be flagged; a neutral one should not. Precision and
recall are printed (``pytest -s``) and must each be at least 0.9 on both sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ips_field.domain.language import check_text
from ips_field.domain.records import VOICES
from ips_field.templates.loader import load_templates

DATA = Path(__file__).resolve().parent.parent / "data"
SETS = {"tuning": "directive_corpus.yaml", "held-out": "directive_corpus_heldout.yaml"}
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
    texts = [s["text"] for s in everything]
    assert len(texts) == len(set(texts)), "no sentence twice"
    voices = {s["voice"] for s in everything}
    assert voices == set(VOICES)
    held_out = len(load(SETS["held-out"]))
    assert held_out >= len(everything) // 3 - 5
    for label in LABELS:
        assert sum(s["label"] == label for s in everything) >= 40


@pytest.mark.parametrize("which", list(SETS))
def test_precision_and_recall_at_least_0_9(which: str) -> None:
    result = score(load(SETS[which]))
    print(
        f"\n{which}: precision {result.precision:.3f} recall {result.recall:.3f} "
        f"(tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn})"
    )
    for why, voice, text in result.wrong:
        print(f"  {why} [{voice}]: {text}")
    assert result.precision >= 0.9, result.wrong
    assert result.recall >= 0.9, result.wrong
