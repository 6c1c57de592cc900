"""Monthly monitoring and the annual report to the Advisory Group: the figures, each beside
the same period a year earlier (no I/O, no rendering; ``documents.monitoring`` lays them out).

Adds to ``services.reports.build_report`` (whose docstring says what each figure counts):

- cases opened in the period by referral source (``Case.referral_source``, one of a fixed
  list so that no free text reaches the report; "not recorded" when blank) and by the type
  of the case's first meeting ("no meeting yet");
- consents given in the period by purpose, and consents withdrawn in the period;
- evaluations, parents and school professionals apart: sent in the period, how many of
  those have come back (by the end of the period) and the response rate; returned in the
  period, the average of each aspect and the answers to the impartiality question;
- comments on evaluations returned in the period, anonymised: every name the record holds
  (families, parents, children, schools, attendees, local authority contacts, volunteers),
  email addresses and phone numbers are replaced before a comment leaves this module;
- conflicts of interest found and how each was handled (blocked, so the case went to
  another volunteer; warned and continued with a recorded reason; reassigned by the office).

The combined evaluation sections of ``build_report`` are replaced by the split ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ips_field.actions.office.report_figures import (
    RETURN_RULE,
    SCORES,
    Report,
    Section,
    _day,
    build_report,
    returned_day,
)
from ips_field.domain.records import (
    Case,
    Child,
    ConflictCheck,
    Consent,
    Evaluation,
    Family,
    Meeting,
)
from ips_field.domain.vocabulary import CONSENT_PURPOSES, REFERRAL_SOURCES
from ips_field.store.repository import Repository

RESPONDENTS = {"parent": "parents", "professional": "school professionals"}
REPLACED: tuple[str, ...] = ("Evaluations returned", "Conflicts of interest")
REPLACED += tuple(
    f"{title}, {group}{tail}"
    for group in RESPONDENTS.values()
    for title, tail in (
        ("Average evaluation scores", " (1 to 5)"),
        ("Impartiality (evaluations)", ""),
    )
)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|\+?\d[\d\s()-]{6,}\d")


@dataclass
class Figures:
    service: str
    kind: str  # monthly | annual
    start: dt.date
    end: dt.date
    sections: list[Section]
    comments: list[tuple[str, str]] = field(default_factory=list)  # (respondents, text)

    def section(self, title: str) -> Section:
        return next(s for s in self.sections if s.title == title)

    def value(self, title: str, label: str) -> float | int:
        return dict(self.section(title).rows)[label]


@dataclass
class Monitoring:
    current: Figures
    earlier: Figures

    @property
    def title(self) -> str:
        """Monthly monitoring; for longer periods the report to the Advisory Group (twice a
        year), called the annual report when it covers a whole year."""
        if self.current.kind != "annual":
            return "Monthly performance monitoring"
        days = (self.current.end - self.current.start).days + 1
        return (
            "Annual report to the Advisory Group" if days >= 365 else "Report to the Advisory Group"
        )


def year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def build_monitoring(
    repo: Repository, start: dt.date, end: dt.date, *, service: str = "", **options: Any
) -> Monitoring:
    """The figures for [start, end] and for the same days a year earlier. ``options`` are
    ``build_report``'s (names, kind, supervision_interval_days, meeting_types, serving)."""
    current = build_figures(repo, start, end, service=service, **options)
    earlier = build_figures(
        repo, year_earlier(start), year_earlier(end), service=service, **options
    )
    return Monitoring(current, earlier)


def build_figures(
    repo: Repository, start: dt.date, end: dt.date, *, service: str = "", **options: Any
) -> Figures:
    report: Report = build_report(repo, start, end, **options)
    type_names: dict[str, str] = options.get("meeting_types") or {}
    kind = options.get("kind", "monthly")

    def inside(value: str | None) -> bool:
        day = _day(value)
        return day is not None and start <= day <= end

    cases = repo.all(Case)
    first_meeting: dict[str, tuple[str, str]] = {}
    for m in repo.all(Meeting):
        if m.status != "cancelled" and m.starts_at:
            known = first_meeting.get(m.case_id)
            if known is None or m.starts_at < known[0]:
                first_meeting[m.case_id] = (m.starts_at, m.meeting_type)
    by_source: Counter[str] = Counter()
    by_meeting: Counter[str] = Counter()
    for c in cases:
        if inside(c.opened_on):
            by_source[REFERRAL_SOURCES.get(c.referral_source, "not recorded")] += 1
            mtype = first_meeting.get(c.id, ("", ""))[1]
            by_meeting[type_names.get(mtype, mtype) if mtype else "no meeting yet"] += 1

    given: Counter[str] = Counter()
    withdrawn = 0
    for consent in repo.all(Consent):
        if inside(consent.given_on):
            given[CONSENT_PURPOSES.get(consent.purpose, consent.purpose)] += 1
        withdrawn += inside(consent.withdrawn_on)

    sent: Counter[str] = Counter()
    came_back: Counter[str] = Counter()
    returned: Counter[str] = Counter()
    score_sum: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENTS}
    score_n: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENTS}
    impartial: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENTS}
    raw_comments: list[tuple[str, str]] = []
    for e in repo.all(Evaluation):
        who = e.respondent if e.respondent in RESPONDENTS else "parent"
        back = returned_day(e)
        if inside(e.sent_on):
            sent[who] += 1
            came_back[who] += back is not None and back <= end
        if back is None or not start <= back <= end:
            continue
        returned[who] += 1
        for name, score in e.scores.items():
            score_sum[who][name] += score
            score_n[who][name] += 1
        impartial[who][
            {True: "stayed impartial", False: "not impartial", None: "not answered"}[e.impartial]
        ] += 1
        if e.comments.strip():
            raw_comments.append((RESPONDENTS[who], e.comments.strip()))

    checks: Counter[str] = Counter()
    for check in repo.all(ConflictCheck):
        if inside(check.checked_at) and check.outcome != "clear":
            checks[check.outcome] += 1

    conflicts = dict(report.section("Conflicts of interest").rows)
    sections = [s for s in report.sections if s.title not in REPLACED]
    at = next(i for i, s in enumerate(sections) if s.title == "Cases") + 1
    sections[at:at] = [
        Section("Cases opened, by referral source", sorted(by_source.items())),
        Section("Cases opened, by type of first meeting", sorted(by_meeting.items())),
    ]
    evaluation_rows: list[tuple[str, float | int]] = []
    for key, label in RESPONDENTS.items():
        evaluation_rows += [
            (f"{label}: sent", sent[key]),
            (f"{label}: of those, returned", came_back[key]),
        ]
        if sent[key]:  # no rate when none was sent (not 0%)
            evaluation_rows.append(
                (f"{label}: response rate (%)", round(100 * came_back[key] / sent[key]))
            )
        evaluation_rows.append((f"{label}: returned in the period", returned[key]))
    sections += [
        Section(
            "Consents",
            [*sorted(given.items()), ("consents withdrawn", withdrawn)],
        ),
        Section("Evaluations sent and returned", evaluation_rows, note=RETURN_RULE),
    ]
    for key, label in RESPONDENTS.items():
        sections.append(
            Section(
                f"Average evaluation scores, {label} (1 to 5)",
                [
                    (SCORES[k], round(score_sum[key][k] / score_n[key][k], 2))
                    for k in SCORES
                    if score_n[key][k]
                ],
            )
        )
        sections.append(
            Section(f"Did the volunteer stay impartial? ({label})", sorted(impartial[key].items()))
        )
    sections.append(
        Section(
            "Conflicts of interest, and how they were handled",
            [
                ("interests declared by volunteers", conflicts["interests declared"]),
                ("blocked: the case went to another volunteer", checks["block"]),
                ("warned: continued with a recorded reason", checks["warn"]),
                (
                    "of those checks, made on volunteers' laptops",
                    conflicts["of those checks, made on volunteers' laptops"],
                ),
                (
                    "of those checks, made at the office",
                    conflicts["of those checks, made at the office"],
                ),
                (
                    "reassigned by the office",
                    report.value("Conflicts of interest", "cases reassigned by the office"),
                ),
            ],
        )
    )
    names = options.get("names") or {}
    scrub = anonymiser(repo, names.values()) if raw_comments else (lambda s: s)
    comments = [(who, scrub(text)) for who, text in raw_comments]
    return Figures(service, kind, start, end, sections, comments)


def anonymiser(repo: Repository, extra: Any = ()) -> Any:
    """A function that replaces every name the record holds with "[name]" and email
    addresses and phone numbers with "[contact]" (whole words, any case)."""
    names: set[str] = set()

    def add(value: object) -> None:
        text = str(value or "").strip()
        if len(text) >= 2:
            names.add(text)
            names.update(part for part in re.split(r"[\s,()\[\]\"]+", text) if len(part) >= 2)

    for f in repo.all(Family):
        add(f.family_name)
        for p in f.parents:
            add(p.get("name"))
    for child in repo.all(Child):
        add(child.name)
        add(child.school)
    for c in repo.all(Case):
        add(c.school)
        for contact in c.la_contacts:
            add(contact.get("name"))
    for m in repo.all(Meeting):
        for person in m.attendees:
            add(person.get("name"))
    for name in extra:
        add(name)
    pattern = (
        re.compile(
            r"(?<!\w)("
            + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            + r")(?!\w)",
            re.IGNORECASE,
        )
        if names
        else None
    )

    def scrub(text: str) -> str:
        text = _CONTACT.sub("[contact]", text)
        return pattern.sub("[name]", text) if pattern else text

    return scrub
