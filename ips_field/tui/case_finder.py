"""The command palette finds a case by reference, family, child or school, and opens it.

Only while unlocked: on the lock screen the provider offers nothing (and reads nothing).
Shown text is the case's own label; nothing internal (ids) is shown.
"""

from __future__ import annotations

from typing import Any

from textual.command import Hit, Hits, Provider

from ips_field.domain.records import Case, Child, Family
from ips_field.domain.shown import shown

MAX_HITS = 20


class CaseFinder(Provider):
    """Cases: "DEMO-004 Dunmore · Sam Dunmore · Oak School"."""

    async def search(self, query: str) -> Hits:
        app: Any = self.app
        session = getattr(app, "session", None)
        if session is None or not query.strip():
            return
        repo = session.repo
        families = {f.case_id: f.family_name for f in repo.all(Family)}
        children = {c.case_id: c.name for c in repo.all(Child)}
        matcher = self.matcher(query)
        found = 0
        for case in sorted(repo.all(Case), key=lambda c: c.reference):
            parts = [case.reference, families.get(case.id, ""), children.get(case.id, "")]
            label = shown(" · ".join(p for p in [*parts, case.school] if p))
            score = matcher.match(label)
            if score <= 0:
                continue
            found += 1
            if found > MAX_HITS:
                return
            yield Hit(
                score,
                matcher.highlight(label),
                lambda case_id=case.id: _open(app, case_id),
                help="Open this case" + (" (closed)" if case.status == "closed" else ""),
            )


def _open(app: Any, case_id: str) -> None:
    from ips_field.tui.screens.case_view import CaseScreen

    if app.session is not None:
        app.push_screen(CaseScreen(case_id))
