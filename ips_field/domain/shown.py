"""Text that came from a person or a bundle, made safe to show on a terminal (DESIGN.md §5).

:func:`shown` replaces every control character (C0, DEL, C1: ESC starts the sequences
that set window titles, clear screens and draw fake colours), every bidirectional
override, embedding, isolate and mark, lone surrogates (undecodable bytes in file names)
and other format characters with a visible escape such as ``\\x1b`` or ``\\u202e``. Use
it on case references, names, notes, file names and reasons before printing them or
handing them to a widget. ``multiline=True`` keeps newlines and tabs (note text).
No Textual, no Rich: both command lines and both apps call this.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["shown", "shown_path"]

_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _unsafe(ch: str, multiline: bool) -> bool:
    code = ord(ch)
    if multiline and ch in "\n\t":
        return False
    if code < 0x20 or 0x7F <= code < 0xA0 or code in _BIDI:
        return True
    if 0xD800 <= code < 0xE000:  # lone surrogate (e.g. os.fsdecode of a bad byte)
        return True
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\u200d"  # keep ZWJ (emoji)


def shown(text: Any, *, multiline: bool = False) -> str:
    """``text`` (anything; ``str()`` of it) with control and bidi characters escaped."""
    value = text if isinstance(text, str) else str(text)
    if value.isprintable() and not any(ord(c) in _BIDI for c in value):
        return value  # the common case, fast
    return "".join(_escape(c) if _unsafe(c, multiline) else c for c in value)


def shown_path(path: Any) -> str:
    """A file's name (not its folder) for output, escaped."""
    name = getattr(path, "name", None)
    return shown(name if isinstance(name, str) else path)
