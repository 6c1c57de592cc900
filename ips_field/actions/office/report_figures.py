"""Monthly performance monitoring and the annual report, from the master record.

Figures only: the report names volunteers (to count their hours) but never a family, a
child or a school, so an exported report can go to the advisory group. Every table is read
once. What is counted, for a period [start, end] (both days included):

- cases opened (``opened_on`` in the period), closed (``closed_on`` in the period), open at
  the end (opened by ``end`` and not closed by then);
- meetings held in the period by type (``status`` held, date of ``starts_at``; a meeting
  becomes held when its role statement is read out in meeting mode), per volunteer, those
  where the role statement was recorded, and meetings in the period still ``planned`` (not,
  or not yet, marked held; cancelled ones are left out);
- volunteer hours per volunteer: contact-log minutes plus CPD hours in the period (a
  meeting has no duration field, so meetings are counted, not timed);
- CPD hours by topic, shared so that the topics add up to the CPD total: an entry with
  several topics counts its hours once, split equally between its topics (an entry of
  3 h on impartiality and safeguarding gives each 1.5 h); an entry with no topic counts as
  "general" (the rule is printed under the table, ``CPD_RULE``);
- supervision sessions per volunteer, volunteers overdue for supervision at the end of
  the period (never supervised, or the last session more than
  the interval before the end, as in ``domain.due.supervision_due``; only volunteers on the
  roster at the end when ``serving`` is given), impartiality concerns raised in supervision;
- evaluations returned in the period (``returned_day``: by the return date; one that holds
  answers but no return date, recorded before the date was required, by the day its record
  was last changed, so that it is never lost from every period), by respondent, the
  average of each score, and the impartiality answers (impartial / not impartial / not
  answered);
- signposting given by source;
- conflicts of interest: interests declared in the period, conflict checks (dated by
  ``checked_at``) that blocked or warned, those made on volunteers' laptops (the record's
  origin is the volunteer it checked) and those made at the office (an assignment's check:
  its origin is the office) apart, and cases the office reassigned from one volunteer to
  another (from the office's own operation log, which records the previous assignee);
- current notes written in the period that the neutral-language check flagged (flags are
  set when a note is saved; a note superseded by a correction no longer counts);
- statutory timescales (``domain.statutory``): dates falling in the period that the local
  authority, a school or the service did not meet on time (met late, or passed and still
  not met today), on any case, by who was late. A parent's own time limits are not counted.

Deleted records (tombstones) are left out. Notes, most of the record, are read as stored
documents rather than built into ``Note`` objects, which keeps the report within a few
times a plain read of the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from ips_field.domain import notes as notes_rules
from ips_field.domain.records import (
    Case,
    ConflictCheck,
    Contact,
    CpdEntry,
    Evaluation,
    Interest,
    KeyDate,
    Meeting,
    Note,
    Signposting,
    SupervisionEntry,
)
from ips_field.domain.statutory import missed_in_period
from ips_field.domain.timelines import WHO, TimelineKind
from ips_field.store.repository import OUTBOX, Repository

RESPONDENT_GROUPS = ("parents", "school professionals")
SCORES = {
    "demeanour": "Demeanour",
    "sen_knowledge": "Knowledge of SEN",
    "information_quality": "Quality of information",
    "preparation": "Preparation",
    "impartiality": "Impartiality",
}


CPD_RULE = (
    "Each CPD entry is counted once: an entry with several topics has its hours shared "
    "equally between them, so the topics add up to the total."
)
RETURN_RULE = (
    "Evaluations are counted on their return date (one returned before the date was "
    "required, on the day it was recorded)."
)


@dataclass
class Section:
    title: str
    rows: list[tuple[str, float | int]] = field(default_factory=list)
    unit: str = ""
    note: str = ""  # how the figures are counted, printed under the table


@dataclass
class Report:
    title: str
    start: dt.date
    end: dt.date
    sections: list[Section]

    def section(self, title: str) -> Section:
        return next(s for s in self.sections if s.title == title)

    def value(self, title: str, label: str) -> float | int:
        return dict(self.section(title).rows)[label]


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def has_answers(ev: Evaluation) -> bool:
    return bool(ev.scores) or ev.impartial is not None or bool(ev.comments.strip())


def returned_day(ev: Evaluation) -> dt.date | None:
    """The day an evaluation counts as returned: its return date; without one, when it holds
    answers anyway (saved before a return date was required), the day it was last changed;
    None while it has not come back."""
    day = _day(ev.returned_on)
    if day is None and has_answers(ev):
        day = _day(ev.updated_at) or _day(ev.created_at)
    return day


def build_report(
    repo: Repository,
    start: dt.date,
    end: dt.date,
    *,
    names: dict[str, str] | None = None,
    kind: str = "monthly",
    supervision_interval_days: int = 90,
    meeting_types: dict[str, str] | None = None,
    serving: Mapping[str, tuple[str, str | None]] | None = None,
    timelines: Mapping[str, TimelineKind] | None = None,
) -> Report:
    """The report for [start, end]; ``names`` maps volunteer ids to names and
    ``meeting_types`` meeting type ids to their names (from the templates).

    ``serving`` maps volunteer ids to (enrolled on, revoked on or None) from the roster:
    then only volunteers enrolled by ``end`` and not revoked by then can be overdue for
    supervision. Without it every volunteer in ``names`` is counted.
    """
    names = names or {}
    type_names = meeting_types or {}

    def who(node: str) -> str:
        return names.get(node, "office" if node else "unknown")

    def inside(value: str | None) -> bool:
        day = _day(value)
        return day is not None and start <= day <= end

    cases = repo.all(Case)
    opened = sum(inside(c.opened_on) for c in cases)
    closed = sum(inside(c.closed_on) for c in cases)
    open_at_end = 0
    for c in cases:
        o, x = _day(c.opened_on), _day(c.closed_on)
        if o is not None and o <= end and (x is None or x > end):
            open_at_end += 1

    by_type: Counter[str] = Counter()
    role_stated = still_planned = 0
    meetings_by: Counter[str] = Counter()
    for m in repo.all(Meeting):
        if not inside(m.starts_at):
            continue
        if m.status == "held":
            by_type[type_names.get(m.meeting_type, m.meeting_type or "other")] += 1
            meetings_by[who(m.origin)] += 1
            role_stated += bool(m.role_stated_at)
        elif m.status == "planned":
            still_planned += 1

    hours: dict[str, float] = {}  # not a Counter: the type checker takes its counts for ints
    for contact in repo.all(Contact):
        if inside(contact.on):
            vol = who(contact.origin)
            hours[vol] = hours.get(vol, 0) + contact.minutes / 60
    cpd_topics: dict[str, float] = {}
    cpd_total = 0.0
    for cpd in repo.all(CpdEntry):
        if inside(cpd.on):
            vol = who(cpd.origin)
            hours[vol] = hours.get(vol, 0) + cpd.hours
            topics = sorted(set(cpd.topics)) or ["general"]
            for topic in topics:  # shared: the topics add up to the total
                name = topic.replace("_", " ")
                cpd_topics[name] = cpd_topics.get(name, 0) + cpd.hours / len(topics)
            cpd_total += cpd.hours

    sessions: Counter[str] = Counter()
    concerns = 0
    last_session: dict[str, dt.date] = {}
    for s in repo.all(SupervisionEntry):
        day = _day(s.on)
        if day is None or day > end:
            continue
        last_session[s.origin] = max(day, last_session.get(s.origin, day))
        if day >= start:
            sessions[who(s.origin)] += 1
            concerns += s.impartiality_concern
    if serving is None:
        expected = list(names)
    else:
        expected = [
            vid
            for vid, (enrolled, revoked) in serving.items()
            if (_day(enrolled) or start) <= end and ((gone := _day(revoked)) is None or gone > end)
        ]
    overdue = sum(
        1
        for vid in expected
        if vid not in last_session or (end - last_session[vid]).days > supervision_interval_days
    )

    # Parents' and school professionals' forms are different questionnaires from different
    # people: counted, averaged and reported apart, never together.
    returned: Counter[str] = Counter()
    score_sum: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENT_GROUPS}
    score_n: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENT_GROUPS}
    impartial: dict[str, Counter[str]] = {r: Counter() for r in RESPONDENT_GROUPS}
    for ev in repo.all(Evaluation):
        back = returned_day(ev)
        if back is None or not start <= back <= end:
            continue
        group = "parents" if ev.respondent == "parent" else "school professionals"
        returned[group] += 1
        for name, score in ev.scores.items():
            score_sum[group][name] += score
            score_n[group][name] += 1
        impartial[group][
            {True: "impartial", False: "not impartial", None: "not answered"}[ev.impartial]
        ] += 1
    evaluation_sections = []
    for group in RESPONDENT_GROUPS:
        evaluation_sections += [
            Section(
                f"Average evaluation scores, {group} (1 to 5)",
                [
                    (SCORES[k], round(score_sum[group][k] / score_n[group][k], 2))
                    for k in SCORES
                    if score_n[group][k]
                ],
            ),
            Section(f"Impartiality (evaluations), {group}", sorted(impartial[group].items())),
        ]

    signposted: Counter[str] = Counter()
    for sp in repo.all(Signposting):
        if inside(sp.on):
            signposted[sp.source_name or sp.source_id] += 1

    declared = sum(inside(i.declared_on) for i in repo.all(Interest))
    checks: Counter[str] = Counter()
    for check in repo.all(ConflictCheck):
        if inside(check.checked_at) and check.outcome != "clear":
            checks[check.outcome] += 1
            made_by_volunteer = check.origin == check.volunteer_id  # on their own laptop
            checks["laptops" if made_by_volunteer else "office"] += 1
    reassigned = 0
    for op in repo.table(OUTBOX).all():
        previous = op.get("previous_assignee")
        target = (op.get("fields") or {}).get("assigned_to")
        if previous and target and previous != target and inside(op.get("at")):
            reassigned += 1

    notes = [d for d in repo.table(Note.KIND).all() if not d.get("deleted")]
    superseded = notes_rules.superseded_ids(notes)
    flagged = sum(
        1
        for d in notes
        if d.get("flags") and d.get("id") not in superseded and inside(d.get("written_at"))
    )

    if timelines is None:
        from ips_field.templates import load_templates

        timelines = load_templates()[0].timelines
    late_by: Counter[str] = Counter()
    for item in missed_in_period(
        cases, repo.all(KeyDate), timelines, start, end, repo.time.today()
    ):
        if item.item.milestone.who != "parent":
            late_by[item.item.milestone.who] += 1

    title = "Annual report" if kind == "annual" else "Monthly performance monitoring"
    sections = [
        Section(
            "Cases",
            [
                ("opened", opened),
                ("closed", closed),
                ("open at the end of the period", open_at_end),
            ],
        ),
        Section("Meetings held, by type", sorted(by_type.items())),
        Section(
            "Meetings held, per volunteer",
            [
                *sorted(meetings_by.items()),
                ("with the role statement recorded", role_stated),
                ("planned in the period, not marked held", still_planned),
            ],
        ),
        Section(
            "Volunteer hours (contacts and CPD)",
            [(k, round(v, 2)) for k, v in sorted(hours.items())],
            "h",
        ),
        Section(
            "CPD hours by topic",
            [
                *[(k, round(v, 2)) for k, v in sorted(cpd_topics.items())],
                ("all topics (total)", round(cpd_total, 2)),
            ]
            if cpd_total
            else [],
            "h",
            CPD_RULE,
        ),
        Section(
            "Supervision",
            [
                *sorted(sessions.items()),
                ("volunteers overdue at the end of the period", overdue),
                ("impartiality concerns raised", concerns),
            ],
        ),
        Section("Evaluations returned", sorted(returned.items()), note=RETURN_RULE),
        *evaluation_sections,
        Section("Signposting given", sorted(signposted.items())),
        Section(
            "Conflicts of interest",
            [
                ("interests declared", declared),
                ("checks that blocked", checks["block"]),
                ("checks that warned", checks["warn"]),
                ("of those checks, made on volunteers' laptops", checks["laptops"]),
                ("of those checks, made at the office", checks["office"]),
                ("cases reassigned by the office", reassigned),
            ],
        ),
        Section("Neutral language", [("notes flagged for review", flagged)]),
        Section(
            "Statutory timescales",
            [
                ("dates missed or met late", sum(late_by.values())),
                *[(f"late: {WHO[w]}", late_by[w]) for w in WHO if w != "parent" and late_by[w]],
            ],
        ),
    ]
    return Report(title, start, end, sections)


def _shown(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def to_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"Period: {report.start} to {report.end}", ""]
    for s in report.sections:
        lines += [f"## {s.title}", ""]
        if not s.rows:
            lines += ["None in this period.", ""]
            continue
        lines += ["| | |", "| --- | ---: |"]
        lines += [
            f"| {label} | {_shown(value)}{' ' + s.unit if s.unit else ''} |"
            for label, value in s.rows
        ]
        lines.append("")
        if s.note:
            lines += [s.note, ""]
    return "\n".join(lines)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "value"])
    for s in report.sections:
        for label, value in s.rows:
            writer.writerow([s.title, label, _shown(value)])
    return out.getvalue()
