"""Bundles out of the office: one per volunteer (assignments, acknowledgements, roster)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync import audit
from sync import office as off
from sync.node import SyncNode


@dataclass(frozen=True)
class Written:
    path: Path
    volunteer_id: str
    name: str


def export_bundles(node: SyncNode, out_dir: Path, only: str | None = None) -> list[Written]:
    """Write a bundle for each volunteer (or ``only`` one) into ``out_dir``; audited once."""
    written = [
        Written(off.export_for(node, vid, Path(out_dir)), vid, off.volunteer_name(node, vid))
        for vid in off.export_targets(node, only)
    ]
    audit.append(node, "export", f"{len(written)} bundles")
    return written
