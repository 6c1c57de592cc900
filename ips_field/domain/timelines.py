"""Statutory timelines: milestones worked out from a case's key dates. No I/O.

The rules are data (``ips_field/templates/timelines.yaml``, read by the templates loader
into the classes here); the counting is :mod:`ips_field.domain.calendar`. A milestone is
computed when the dates it counts from are known; its status on a day is

- ``met``: a date that shows it done is recorded, on or before the milestone's date;
- ``late``: done, but after the date (the local authority or school was late);
- ``missed``: the date has passed and nothing shows it done (they are late now);
- ``soon``: due within the next :data:`SOON_DAYS` days, today included;
- ``due``: due later than that;
- ``passed``: a parent's own time limit (an appeal) that has gone by: nobody else is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ips_field.domain import calendar as cal

SOON_DAYS = 14
WHO = {
    "local_authority": "the local authority",
    "school": "the school or setting",
    "service": "the service",
    "parent": "the parent",
}
COUNTING = ("after", "beginning_with")


@dataclass(frozen=True)
class Period:
    """How far a milestone is from one start date: ``count`` days, weeks or months."""

    start: str  # a key date name
    count: int
    unit: str  # days | weeks | months


@dataclass(frozen=True)
class MilestoneRule:
    """One statutory time limit, with the rule in words and where it comes from."""

    id: str
    rule: str
    source: str
    who: str
    after: tuple[Period, ...] = ()
    title: str = ""  # the later of these, for those whose start is known
    in_year: tuple[str, int, int] | None = None  # (year key, month, day): a fixed date
    counting: str = "after"
    adjust: str = "none"
    when: str = ""  # "post_16" or "not post_16": applies only with / without the flag
    met_by: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # key dates that make the milestone not apply
    checklist: tuple[str, ...] = ()  # meeting checklist items that show this date

    def starts(self) -> list[str]:
        if self.in_year is not None:
            return [self.in_year[0]]
        return [p.start for p in self.after]


@dataclass(frozen=True)
class TimelineKind:
    """A group of milestones (``ehc-assessment``, ``annual-review``, ...)."""

    id: str
    name: str
    milestones: tuple[MilestoneRule, ...]


@dataclass(frozen=True)
class Milestone:
    """A computed date for one rule."""

    kind: str
    id: str
    date: dt.date
    rule: str
    source: str
    who: str
    starts_on: dt.date
    title: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(frozen=True)
class CaseMilestone:
    """A milestone on a case with its status on a given day."""

    milestone: Milestone
    status: str
    done_on: dt.date | None = None

    @property
    def overdue(self) -> bool:
        return self.status in ("missed", "late")

    def plain(self) -> str:
        """What happened, in a sentence a parent could read."""
        m, who = self.milestone, WHO.get(self.milestone.who, self.milestone.who)
        when = m.date.strftime("%a %d %b %Y")
        done = self.done_on.strftime("%a %d %b %Y") if self.done_on else ""
        if self.status == "met":
            return f"Met: done on {done}, due by {when}."
        if self.status == "late":
            days = (self.done_on - m.date).days if self.done_on else 0
            return f"{who.capitalize()} was late: due by {when}, done on {done} ({days} days late)."
        if self.status == "missed":
            return f"{who.capitalize()} is late: this was due by {when}."
        if self.status == "passed":
            return f"The time limit ended on {when}."
        return f"Due by {when}."


@dataclass
class Inputs:
    """The dates a timeline counts from: key date name -> date, plus flags like post_16."""

    dates: dict[str, dt.date] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    done: dict[str, list[dt.date]] = field(default_factory=dict)  # every date per name


def _applies(rule: MilestoneRule, flags: frozenset[str]) -> bool:
    if not rule.when:
        return True
    negate, _, flag = rule.when.rpartition(" ")
    return (flag in flags) != bool(negate)


def compute_rule(kind: str, rule: MilestoneRule, inputs: Inputs) -> Milestone | None:
    """The milestone's date, or None when its start dates are not known or it does not apply."""
    if not _applies(rule, inputs.flags):
        return None
    try:
        return _compute(kind, rule, inputs)
    except (ValueError, OverflowError):  # a date no calendar can count from: nothing shown
        return None


def _compute(kind: str, rule: MilestoneRule, inputs: Inputs) -> Milestone | None:
    if rule.in_year is not None:
        key, month, day_of_month = rule.in_year
        year_start = inputs.dates.get(key)
        if year_start is None:
            return None
        raw = dt.date(year_start.year, month, day_of_month)
        start = year_start
    else:
        candidates = []
        for p in rule.after:
            base = inputs.dates.get(p.start)
            if base is None:
                continue
            end = cal.add_period(base, p.count, p.unit)
            if rule.counting == "beginning_with":
                end -= cal.ONE_DAY
            candidates.append((end, base))
        if not candidates:
            return None
        raw, start = max(candidates)
    day = cal.adjust(raw, rule.adjust)
    return Milestone(kind, rule.id, day, rule.rule, rule.source, rule.who, start, rule.title)


def compute(timeline: TimelineKind, inputs: Inputs) -> list[Milestone]:
    """Every milestone of ``timeline`` that can be worked out from ``inputs``, in file order."""
    out = []
    for rule in timeline.milestones:
        milestone = compute_rule(timeline.id, rule, inputs)
        if milestone is not None:
            out.append(milestone)
    return out


def status_of(
    rule: MilestoneRule, milestone: Milestone, inputs: Inputs, today: dt.date
) -> CaseMilestone:
    """The milestone's status on ``today`` from the dates recorded on the case."""
    done = sorted(
        d
        for name in rule.met_by
        for d in inputs.done.get(name, [])
        if d >= milestone.starts_on and not (d == milestone.starts_on and name in rule.starts())
    )
    if done:
        first = done[0]
        return CaseMilestone(milestone, "met" if first <= milestone.date else "late", first)
    if milestone.date < today:
        return CaseMilestone(milestone, "passed" if milestone.who == "parent" else "missed")
    if (milestone.date - today).days <= SOON_DAYS:
        return CaseMilestone(milestone, "soon")
    return CaseMilestone(milestone, "due")


def case_milestones(
    timelines: Mapping[str, TimelineKind], inputs: Inputs, today: dt.date
) -> list[CaseMilestone]:
    """Every milestone the case's key dates allow, with its status, by date."""
    out: list[CaseMilestone] = []
    for timeline in timelines.values():
        for rule in timeline.milestones:
            if any(inputs.done.get(name) for name in rule.unless):
                continue
            milestone = compute_rule(timeline.id, rule, inputs)
            if milestone is not None:
                out.append(status_of(rule, milestone, inputs, today))
    return sorted(out, key=lambda cm: (cm.milestone.date, cm.milestone.kind, cm.milestone.id))


def inputs_from(key_dates: Iterable[object]) -> Inputs:
    """Inputs from a case's :class:`~ips_field.domain.records.KeyDate` records.

    The latest date of each name is the one counted from (a plan reviewed every year counts
    from the last review); every date is kept to tell whether a milestone was met.
    """
    inputs = Inputs()
    flags: set[str] = set()
    for kd in key_dates:
        if getattr(kd, "deleted", False):
            continue
        day = kd.as_date()  # type: ignore[attr-defined]
        if day is None:
            continue
        name = kd.which  # type: ignore[attr-defined]
        inputs.done.setdefault(name, []).append(day)
        if name not in inputs.dates or day > inputs.dates[name]:
            inputs.dates[name] = day
            if name == "phase_transfer_year":
                flags.discard("post_16")
                if kd.post_16:  # type: ignore[attr-defined]
                    flags.add("post_16")
    inputs.flags = frozenset(flags)
    return inputs
