"""The volunteer's CPD hours, by year and topic."""

from __future__ import annotations

from collections import defaultdict

from ips_field.domain.records import CpdEntry
from ips_field.store.repository import Repository


def cpd_totals(repo: Repository) -> dict[int, dict[str, float]]:
    """Hours per year, by topic (``"all"`` is the year's total)."""
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in repo.all(CpdEntry):
        year = int(entry.on[:4])
        totals[year]["all"] += float(entry.hours)
        for topic in entry.topics or ["other"]:
            totals[year][topic] += float(entry.hours)
    return {y: dict(t) for y, t in totals.items()}
