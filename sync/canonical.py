"""Canonical JSON (the bytes that are signed) and a JSON parser with hard limits.

Signatures are made over canonical bytes so that two computers agree on what was
signed: keys sorted, no spaces, UTF-8, no NaN or infinities. Parsing untrusted bytes is
bounded in size, nesting depth and item count *before* anything else looks at them, so a
hostile bundle cannot exhaust memory or the stack.
"""

from __future__ import annotations

import json
from typing import Any

from ips_field.errors import SyncError
from sync.errors import BundleDamaged, BundleTooLarge

__all__ = ["canonical_json", "parse_limited"]


def canonical_json(obj: Any) -> bytes:
    """Encode ``obj`` as canonical JSON bytes (sorted keys, ``,``/``:`` separators, UTF-8).

    Raises ``ValueError`` for NaN/infinity and ``TypeError`` for values JSON cannot hold:
    both are programming errors on the sending side, not bundle failures.
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _reject_constant(name: str) -> Any:
    raise ValueError("non-finite number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("duplicate key")
        out[key] = value
    return out


def parse_limited(
    data: bytes,
    max_bytes: int,
    max_depth: int,
    max_items: int,
    *,
    error: type[SyncError] = BundleDamaged,
    what: str = "bundle",
) -> Any:
    """Parse untrusted JSON ``data`` within limits, or raise a ``SyncError``.

    - more than ``max_bytes`` → :class:`BundleTooLarge`;
    - not UTF-8, not JSON, NaN/Infinity, duplicate keys, nesting deeper than
      ``max_depth`` (the top-level value is depth 1) or more than ``max_items`` values in
      all → ``error`` (default :class:`BundleDamaged`) with a reason naming ``what``.
    """
    if len(data) > max_bytes:
        raise BundleTooLarge(f"{what} is larger than the allowed size")
    try:
        text = bytes(data).decode("utf-8")
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError, TypeError):
        raise error(f"{what} contents are damaged or malformed") from None
    # Iterative walk: depth and item count, without recursion.
    items = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        items += 1
        if depth > max_depth:
            raise error(f"{what} contents are nested too deeply")
        if items > max_items:
            raise error(f"{what} contents have too many items")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return value
