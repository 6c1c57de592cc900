"""The small pattern language of ``language.yaml``, compiled to regular expressions.

A service writes patterns as words, not regular expressions, so that a typo cannot make
the check slow or match everything:

``word``        the word itself (any case; straight and curly apostrophes alike)
``word*``       a word starting so: ``recommend*`` is recommend, recommends, recommended
``a|b|c``       any one of these words
``<name>``      any entry of the named word list (an entry may be several words)
``[x]``         ``x`` (a word, ``a|b``, ``<name>`` or ``,``) may be left out
``~N``          up to N other words (N from 1 to 4), never across punctuation
``,``           a comma
``^``           first token only: the match must start a sentence

Matching never backtracks badly: every gap is bounded and a gap word cannot hold a space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

APOSTROPHES = "'\u2019\u2018\u02bc"
_APOS_CLASS = f"[{APOSTROPHES}]"
_WORD_CHARS = rf"[\w{APOSTROPHES}-]"
GAP_WORD = rf"{_WORD_CHARS}+"
MAX_GAP = 4
_PLAIN_WORD = re.compile(rf"^[\w{APOSTROPHES}.-]+\*?$")
_LIST_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message names the problem, not the text."""


@lru_cache(maxsize=4096)
def word_regex(word: str) -> str:
    """One written word as a regular expression (``*`` at the end: any ending)."""
    star = word.endswith("*")
    body = word[:-1] if star else word
    if not body or not _PLAIN_WORD.match(word):
        raise PatternError(f"'{word}' is not a word")
    out = "".join(_APOS_CLASS if ch in APOSTROPHES else re.escape(ch) for ch in body)
    return out + (rf"{_WORD_CHARS}*" if star else "")


def phrase_regex(phrase: str) -> str:
    """Several words separated by any run of white space."""
    words = phrase.split()
    if not words:
        raise PatternError("is empty")
    return r"\s+".join(word_regex(w) for w in words)


def literal_regex(phrase: str) -> str:
    """A fixed phrase taken literally (``a.b (c)`` is those characters), words separated by
    any run of white space, any kind of apostrophe."""
    words = phrase.split()
    if not words:
        raise PatternError("is empty")
    return r"\s+".join(
        "".join(_APOS_CLASS if ch in APOSTROPHES else re.escape(ch) for ch in w) for w in words
    )


def bounded(body: str, *, left: bool = True) -> str:
    """Whole words only: nothing word-like touches either end (``left=False``: a pattern
    that starts with a comma, which follows a word by nature)."""
    before = rf"(?<![\w{APOSTROPHES}])" if left else ""
    return rf"{before}(?:{body})(?![\w{APOSTROPHES}])"


COMMA = ","


@lru_cache(maxsize=256)
def _list_alternatives(entries: tuple[str, ...]) -> str:
    """A word list's entries as alternatives, longest first; ``""`` for an empty list. A
    list is compiled once however many patterns use it (the packaged rules name a few lists
    in dozens of patterns, and every start of the app compiles them all)."""
    unique = sorted({" ".join(e.split()) for e in entries if e.strip()}, key=len)
    return "|".join(phrase_regex(e) for e in reversed(unique))


def _alternatives(token: str, lists: Mapping[str, Sequence[str]]) -> str:
    if token == COMMA:
        return ","
    if token.startswith("<") and token.endswith(">"):
        name = token[1:-1]
        if not _LIST_NAME.match(name):
            raise PatternError(f"'{token}' is not a list name like <party>")
        if name not in lists:
            raise PatternError(f"uses the list <{name}>, which is not defined")
        alternatives = _list_alternatives(tuple(lists[name]))
        if not alternatives:
            raise PatternError(f"uses the list <{name}>, which is empty")
        return alternatives
    parts = token.split("|")
    if any(not p for p in parts):
        raise PatternError(f"'{token}' has an empty choice")
    return "|".join(word_regex(p) for p in parts)


_KEY_SPLIT = re.compile(rf"[.\-{APOSTROPHES}]")


def word_key(word: str) -> str:
    """How a written word can start a match, as :func:`text_words` writes the text's words:
    lower case, up to the first hyphen, dot or apostrophe (``mum's`` -> ``mum``); ``*`` at
    the end (``recommend*``) means any word starting so. ``""``: it cannot be said."""
    star = word.endswith("*")
    body = word[:-1] if star else word
    parts = _KEY_SPLIT.split(body.casefold(), maxsplit=1)
    head = parts[0]
    if not head:
        return ""
    return head + ("*" if star and len(parts) == 1 else "")


def _token_keys(inner: str, lists: Mapping[str, Sequence[str]]) -> list[str]:
    if inner.startswith("<") and inner.endswith(">"):
        return [word_key(e.split()[0]) for e in lists.get(inner[1:-1], []) if e.strip()]
    return [word_key(p) for p in inner.split("|")]


def first_words(pattern: str, lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The words a match of ``pattern`` can start with (see :func:`word_key`), so the check
    tries the pattern only where the text has one; ``()`` when that cannot be said (a
    pattern that starts with a comma): the whole text is searched."""
    keys: list[str] = []
    for part in pattern.split():
        if part == "^":
            continue
        optional = part.startswith("[") and part.endswith("]")
        inner = part[1:-1] if optional else part
        if inner == COMMA or part.startswith("~"):
            return ()
        found = _token_keys(inner, lists)
        if not found or "" in found:
            return ()
        keys += found
        if not optional:
            return tuple(sorted(set(keys)))
    return ()


@lru_cache(maxsize=1024)
def phrase_first_word(phrase: str) -> tuple[str, ...]:
    """:func:`first_words` for a fixed phrase (taken literally: a ``*`` is a star)."""
    words = phrase.split()
    if not words or not _PLAIN_WORD.match(words[0]) or words[0].endswith("*"):
        return ()
    key = word_key(words[0])
    return (key,) if key else ()


_TEXT_WORD = re.compile(r"\w+")


def text_words(text: str) -> dict[str, list[int]]:
    """Where each word of ``text`` starts, by lower-case word (apostrophes, hyphens and dots
    end a word here, so every place a pattern can start is a word start)."""
    out: dict[str, list[int]] = {}
    for m in _TEXT_WORD.finditer(text):
        word = m.group(0).casefold()
        if not word.isascii():  # "İ" folds to "i" and a combining dot, as the check sees it
            word = "".join(
                ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
            )
        out.setdefault(word, []).append(m.start())
    return out


def compile_pattern(pattern: str, lists: Mapping[str, Sequence[str]]) -> tuple[str, bool]:
    """``(regex source, must start a sentence)`` for one pattern, or :class:`PatternError`."""
    tokens = pattern.split()
    sentence_start = bool(tokens) and tokens[0] == "^"
    if sentence_start:
        tokens = tokens[1:]
    if not tokens:
        raise PatternError("is empty")
    if "^" in tokens:
        raise PatternError("may use ^ only as its first token")
    if tokens[0].startswith("~") or tokens[-1].startswith("~"):
        raise PatternError("may not start or end with a ~ gap")
    out = ""
    sep = ""  # what must come before the next token
    wrote_word = False
    for token in tokens:
        if token.startswith("~"):
            n = token[1:]
            if not n.isdigit() or not 1 <= int(n) <= MAX_GAP:
                raise PatternError(f"'{token}' must be ~1 to ~{MAX_GAP}")
            out += rf"(?:\s+{GAP_WORD}){{0,{int(n)}}}"
            sep = r"\s+"
            continue
        optional = token.startswith("[") and token.endswith("]")
        inner = token[1:-1] if optional else token
        if not inner or "[" in inner or "]" in inner:
            raise PatternError(f"'{token}' is not a word, a choice or a list")
        alt = _alternatives(inner, lists)
        if inner == ",":
            piece = rf"\s*{alt}"
            out += f"(?:{piece})?" if optional else piece
            if not optional:
                sep = r"\s*"
            continue
        if optional:
            out += f"(?:(?:{alt})\\s+)?" if not wrote_word else f"(?:{sep}(?:{alt}))?"
        else:
            out += f"{sep}(?:{alt})"
            sep = r"\s+"
            wrote_word = True
    if not wrote_word:
        raise PatternError("needs at least one word that is not optional")
    return bounded(out, left=tokens[0] not in (",", "[,]")), sentence_start
