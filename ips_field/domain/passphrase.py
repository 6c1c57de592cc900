"""Passphrase strength: one rule for the volunteer's, the office's and the recovery key's.

A passphrase protects families' records against whoever takes the laptop, the office's
master record or the offline recovery key file, and can be guessed offline for as long as the
thief likes. The estimate is zxcvbn's (Dropbox's estimator, kept as the PyPI ``zxcvbn``
port): it knows common passwords, keyboard walks, repeats, sequences, dates, names and
l33t substitutions, which a length-and-classes rule does not.

The rule: at least 12 characters, and zxcvbn scores it 3 or 4 (at least 10^8 guesses, i.e.
years at the store's Argon2id cost of about a second a guess). A refusal gives zxcvbn's
reason in one line and never repeats the passphrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3
ESTIMATE_CHARS = 100  # zxcvbn's matching is quadratic; a longer passphrase is judged by this
APP_WORDS = ["ips", "field", "ipsfield", "office", "volunteer", "send", "parent", "supporter"]
LABELS = {3: "Good", 4: "Strong"}


@dataclass(frozen=True)
class Strength:
    ok: bool
    score: int  # 0 (weak) to 4 (strong), zxcvbn's
    message: str


def assess(passphrase: str) -> Strength:
    """Is this passphrase strong enough to protect families' records?"""
    text = passphrase.strip()
    if not text:
        return Strength(False, 0, "Enter a passphrase")
    result = zxcvbn(text[:ESTIMATE_CHARS], user_inputs=APP_WORDS)
    score = int(result["score"])
    if len(text) < MIN_LENGTH:
        return Strength(
            False, min(score, 1), "Too short: use at least 12 characters, or four or more words"
        )
    if score < MIN_SCORE:
        feedback = result.get("feedback") or {}
        reason = (feedback.get("warning") or "").strip().rstrip(".")
        reason = reason[:1].lower() + reason[1:]
        hint = "Easy to guess" + (f" ({reason})" if reason else "")
        return Strength(False, score, f"{hint}: try four or more unrelated words")
    return Strength(True, score, LABELS[score])


def check(passphrase: str, what: str = "passphrase") -> str | None:
    """``None`` if acceptable, else a one-line reason naming ``what`` (never the text)."""
    strength = assess(passphrase)
    return None if strength.ok else f"{what} too weak: {strength.message}"
