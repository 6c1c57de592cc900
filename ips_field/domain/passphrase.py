"""Passphrase strength: a plain check shared by the CLI and the first-run wizard."""

from __future__ import annotations

import re
from dataclasses import dataclass

COMMON = {
    "password",
    "password123",
    "passw0rd",
    "qwerty",
    "letmein",
    "iloveyou",
    "123456789012",
    "correcthorsebatterystaple",
    "welcome",
    "changeme",
    "admin",
    "monkey",
    "dragon",
}


@dataclass(frozen=True)
class Strength:
    ok: bool
    score: int  # 0 (weak) to 4 (strong)
    message: str


def assess(passphrase: str) -> Strength:
    """Is this passphrase strong enough to protect families' records on a laptop?

    Accepts 12 or more characters, or four or more words of three letters or more; refuses
    well-known passphrases and a single repeated character.
    """
    text = passphrase.strip()
    squashed = re.sub(r"[^a-z0-9]", "", text.lower())
    words = [w for w in re.split(r"\s+", text) if len(w) >= 3]
    if not text:
        return Strength(False, 0, "Enter a passphrase")
    if squashed in COMMON or text.lower() in COMMON:
        return Strength(False, 0, "That passphrase is too well known; choose another")
    if len(set(text)) <= 2:
        return Strength(False, 0, "Use more than one or two different characters")
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    length_ok = len(text) >= 12
    words_ok = len(words) >= 4
    if not (length_ok or words_ok):
        return Strength(False, 1, "Too short: use at least 12 characters or four words")
    score = 2 + (len(text) >= 16 or len(words) >= 5) + (classes >= 3 or len(words) >= 6)
    labels = {2: "Acceptable", 3: "Good", 4: "Strong"}
    return Strength(True, score, labels[score])
