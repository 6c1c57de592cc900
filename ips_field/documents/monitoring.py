"""The monitoring report and the annual report to the Advisory Group, as a document.

Figures only: every table puts this period beside the same period a year earlier; the
charts show the main series; comments from evaluations are already anonymised by
``services.monitoring``. No family, child or school is named anywhere.
"""

from __future__ import annotations

import datetime as dt

from ips_field.actions.office.monitoring import RESPONDENTS, Figures, Monitoring
from ips_field.actions.office.report_figures import SCORES, Section
from ips_field.documents.model import Bullets, Chart, Document, Heading, Paragraph, Table
from ips_field.domain.dates import uk_date

CHARTED = {
    "Cases": "Cases: this period and a year earlier",
    "Meetings held, by type": "Meetings held, by type",
    "Signposting given": "Signposting, by organisation",
}


def _shown(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


def _pair(
    now: Section, before: Section | None
) -> tuple[list[str], list[float | None], list[float | None]]:
    """Labels of either period, with None where a period has no such figure (shown "-",
    drawn as 0): an average with nothing to average is not a zero."""
    then = dict(before.rows) if before else {}
    current = dict(now.rows)
    labels = [label for label, _ in now.rows]
    labels += [label for label in then if label not in labels]
    counts = not now.title.startswith("Average")

    def get(rows: dict[str, float], label: str) -> float | None:
        if label in rows:
            return rows[label]
        return 0 if counts and "response rate" not in label else None

    return labels, [get(current, x) for x in labels], [get(then, x) for x in labels]


def _period(f: Figures) -> str:
    return f"{uk_date(f.start)} to {uk_date(f.end)}"


def monitoring_document(
    mon: Monitoring, *, made_at: dt.datetime | None = None, audit_head: str = ""
) -> Document:
    """The report; ``audit_head`` (``N:HASH``, the office audit log's head when it was made)
    is printed in the footer of every page, an anchor of the log outside the master record."""
    now, then = mon.current, mon.earlier
    service = now.service or "IPS service"
    anchor = f" Audit log head {audit_head}." if audit_head else ""
    doc = Document(
        mon.title,
        subtitle=f"{service}: {_period(now)}",
        footer=f"{mon.title}, {_period(now)}. Figures only.{anchor}",
        made_at=made_at,
        author=service,
    )
    doc.add(
        Paragraph(
            f"Each figure is shown beside the same period a year earlier ({_period(then)}). "
            "The report holds figures and volunteers' names only: no family, child or "
            "school is named, and comments from evaluations are anonymised."
        )
    )
    earlier = {s.title: s for s in then.sections}
    header = ["", "This period", "A year earlier"]
    for section in now.sections:
        before = earlier.get(section.title)
        doc.add(Heading(section.title, 2))
        labels, values, old = _pair(section, before)
        if not labels:
            doc.add(Paragraph("None in this period or a year earlier.", "note"))
            continue
        rows = [
            [label, _shown(v, section.unit), _shown(o, section.unit)]
            for label, v, o in zip(labels, values, old, strict=True)
        ]
        doc.add(Table(header, rows, numeric=True))
        if section.note:
            doc.add(Paragraph(section.note, "note"))
        if section.title in CHARTED and any(values + old):
            doc.add(
                Chart(
                    CHARTED[section.title],
                    labels,
                    {"This period": _drawn(values), "A year earlier": _drawn(old)},
                    section.unit,
                )
            )
        if section.title == LAST_SCORES:
            _score_chart(doc, now)
    return _comments(doc, now)


LAST_SCORES = "Average evaluation scores, school professionals (1 to 5)"


def _drawn(values: list[float | None]) -> list[float]:
    return [float(v or 0) for v in values]


def _score_chart(doc: Document, now: Figures) -> None:
    scores = {
        label: dict(now.section(f"Average evaluation scores, {label} (1 to 5)").rows)
        for label in RESPONDENTS.values()
    }
    if any(scores.values()):
        aspects = list(SCORES.values())
        doc.add(
            Chart(
                "Average evaluation scores this period, parents and school professionals",
                aspects,
                {
                    label.capitalize(): [float(s.get(a, 0)) for a in aspects]
                    for label, s in scores.items()
                },
                "score (1 to 5)",
            )
        )


def _comments(doc: Document, now: Figures) -> Document:
    doc.add(Heading("Comments from evaluations (anonymised)", 2))
    if now.comments:
        doc.add(Bullets([f"{who.capitalize()}: {text}" for who, text in now.comments]))
    else:
        doc.add(Paragraph("No comments were returned in this period.", "note"))
    return doc
