"""Reading ``timelines.yaml``: statutory time limits as data, each with its source.

Every mistake is one :class:`TemplateError` naming file, line and field (see
:mod:`ips_field.templates.nodes`); the rules it builds are the domain's
:class:`~ips_field.domain.timelines.TimelineKind` and friends.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from ips_field.domain import calendar as cal
from ips_field.domain.timelines import COUNTING, WHO, MilestoneRule, Period, TimelineKind
from ips_field.domain.vocabulary import KEY_DATES
from ips_field.templates.nodes import Reader

TIMELINES = "timelines.yaml"
FLAGS = ("post_16",)
_KIND_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_MONTHS = {dt.date(2000, m, 1).strftime("%B").lower(): m for m in range(1, 13)}

MILESTONE_FIELDS = ["id", "title", "who", "rule", "source", "met_by"]
OPTIONAL_FIELDS = ["after", "in_year", "counting", "adjust", "when", "unless", "checklist"]


def _key_date(r: Reader, node: yaml.Node, name: str) -> str:
    value = r.text(node, name)
    if value not in KEY_DATES:
        raise r.fail(node, name, f"'{value}' is not a key date (see KEY_DATES)")
    return value


def _key_dates(r: Reader, node: yaml.Node, name: str) -> tuple[str, ...]:
    return tuple(_key_date(r, item, name) for item in r.sequence(node, name))


def _choice(
    r: Reader, node: yaml.Node, name: str, choices: tuple[str, ...] | dict[str, str]
) -> str:
    value = r.text(node, name)
    if value not in choices:
        raise r.fail(node, name, f"must be one of: {', '.join(choices)}")
    return value


def _after(r: Reader, node: yaml.Node) -> tuple[Period, ...]:
    periods = []
    entries = r.mapping(node, "after")
    if not entries:
        raise r.fail(node, "after", "must name at least one key date")
    for key, value in entries.items():
        start = _key_date(r, next(k for k, v in node.value if v is value), "after")
        try:
            count, unit = cal.parse_period(r.text(value, key))
        except ValueError as exc:
            raise r.fail(value, key, f"is {exc}") from None
        periods.append(Period(start, count, unit))
    return tuple(periods)


def _in_year(r: Reader, node: yaml.Node) -> tuple[str, int, int]:
    entries = r.mapping(node, "in_year")
    if len(entries) != 1:
        raise r.fail(node, "in_year", "must name exactly one key date")
    ((key, value),) = entries.items()
    start = _key_date(r, node.value[0][0], "in_year")
    parts = r.text(value, key).split()
    try:
        day, month = int(parts[0]), _MONTHS[parts[1].lower()]
        dt.date(2001, month, day)  # a day every year has (no 29 February)
    except (ValueError, KeyError, IndexError):
        raise r.fail(value, key, "must be a day of the year like '15 February'") from None
    if len(parts) != 2:
        raise r.fail(value, key, "must be a day of the year like '15 February'")
    return (start, month, day)


def _when(r: Reader, node: yaml.Node) -> str:
    value = r.text(node, "when")
    flag = value.removeprefix("not ").strip()
    if flag not in FLAGS or value not in (flag, f"not {flag}"):
        raise r.fail(node, "when", f"must be a flag or 'not' a flag ({', '.join(FLAGS)})")
    return value


def _milestone(r: Reader, node: yaml.Node) -> MilestoneRule:
    f = r.fields(node, "milestones", MILESTONE_FIELDS, OPTIONAL_FIELDS)
    if ("after" in f) == ("in_year" in f):
        raise r.fail(node, "after", "give either 'after' or 'in_year' (one of them)")
    return MilestoneRule(
        id=r.ident(f["id"], "id"),
        title=r.text(f["title"], "title"),
        rule=r.text(f["rule"], "rule"),
        source=r.text(f["source"], "source"),
        who=_choice(r, f["who"], "who", WHO),
        after=_after(r, f["after"]) if "after" in f else (),
        in_year=_in_year(r, f["in_year"]) if "in_year" in f else None,
        counting=_choice(r, f["counting"], "counting", COUNTING) if "counting" in f else "after",
        adjust=_choice(r, f["adjust"], "adjust", tuple(cal.ADJUSTMENTS))
        if "adjust" in f
        else "none",
        when=_when(r, f["when"]) if "when" in f else "",
        met_by=_key_dates(r, f["met_by"], "met_by"),
        unless=tuple(
            _key_date(r, n, "unless") for n in r.sequence(f["unless"], "unless", allow_empty=True)
        )
        if "unless" in f
        else (),
        checklist=tuple(r.ident(n, "checklist") for n in r.sequence(f["checklist"], "checklist"))
        if "checklist" in f
        else (),
    )


def parse_timelines(root: yaml.Node, r: Reader) -> dict[str, TimelineKind]:
    top = r.fields(root, "timelines", ["timelines"])
    entries = r.mapping(top["timelines"], "timelines")
    if not entries:
        raise r.fail(top["timelines"], "timelines", "must not be empty")
    out: dict[str, TimelineKind] = {}
    for kind_id, node in entries.items():
        if not _KIND_ID.match(kind_id):
            raise r.fail(node, kind_id, "is not a timeline id like 'ehc-assessment'")
        f = r.fields(node, kind_id, ["name", "milestones"])
        rules: list[MilestoneRule] = []
        seen: dict[str, list[str]] = {}
        for item in r.sequence(f["milestones"], "milestones"):
            rule = _milestone(r, item)
            # An id may appear twice only as "when: X" and "when: not X".
            whens = seen.setdefault(rule.id, [])
            if rule.when in whens or "" in whens or (whens and not rule.when):
                raise r.fail(item, "id", f"'{rule.id}' is used twice")
            whens.append(rule.when)
            rules.append(rule)
        out[kind_id] = TimelineKind(kind_id, r.text(f["name"], "name"), tuple(rules))
    return out
