"""Search across every volunteer's cases at the office, from an index built in one pass."""

from __future__ import annotations

from dataclasses import dataclass

from ips_field.domain import notes as notes_rules
from ips_field.domain.records import Case, Child, Family, Note
from ips_field.store.repository import Repository


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    reference: str
    family: str
    child: str
    school: str
    status: str
    volunteer_id: str
    volunteer: str
    opened_on: str
    flagged_notes: int
    haystack: str  # lower-case words searched


class CaseIndex:
    """One row per case; a search is then a scan of short strings."""

    def __init__(self, rows: list[CaseRow]) -> None:
        self.rows = rows

    @classmethod
    def build(cls, repo: Repository, names: dict[str, str]) -> CaseIndex:
        """Read cases, families, children and notes once each; ``names`` maps volunteer
        ids to names. A note counts as flagged while no correction supersedes it."""
        families = {f.case_id: f.family_name for f in repo.all(Family)}
        children = {c.case_id: c.name for c in repo.all(Child)}
        # Notes are most of the record: read as stored documents, not built into objects.
        notes = [d for d in repo.table(Note.KIND).all() if not d.get("deleted")]
        superseded = notes_rules.superseded_ids(notes)
        flagged: dict[str, int] = {}
        for d in notes:
            if d.get("flags") and d.get("id") not in superseded:
                case_id = d.get("case_id", "")
                flagged[case_id] = flagged.get(case_id, 0) + 1
        rows = []
        for case in sorted(repo.all(Case), key=lambda c: c.reference):
            family = families.get(case.id, "")
            child = children.get(case.id, "")
            volunteer = names.get(case.assigned_to, "")
            words = " ".join((case.reference, family, child, case.school, volunteer)).lower()
            rows.append(
                CaseRow(
                    case.id,
                    case.reference,
                    family,
                    child,
                    case.school,
                    case.status,
                    case.assigned_to,
                    volunteer,
                    case.opened_on,
                    flagged.get(case.id, 0),
                    words,
                )
            )
        return cls(rows)

    def search(
        self, text: str = "", *, status: str = "all", volunteer: str | None = None
    ) -> list[CaseRow]:
        """Rows whose words contain every word of ``text`` (any order, any case)."""
        words = text.lower().split()
        return [
            r
            for r in self.rows
            if (status == "all" or r.status == status)
            and (volunteer is None or r.volunteer_id == volunteer)
            and all(w in r.haystack for w in words)
        ]
