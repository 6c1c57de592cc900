"""``ips-field timeline KIND [date options] [--format text|json]`` (names are a contract).

Works out statutory dates from the dates given, with the rules in ``timelines.yaml`` (a
service's override folder in ``IPS_FIELD_TEMPLATES`` applies). Needs no store. Dates are
``YYYY-MM-DD`` or ``DD/MM/YYYY``; a bad date or a missing option is one line, exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ips_field.cli.common import PROG, one_line_errors
from ips_field.domain.calendar import parse_user_date
from ips_field.domain.timelines import Inputs, Milestone, compute

TEMPLATES_ENV = "IPS_FIELD_TEMPLATES"
FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)  # as click's decorators

if TYPE_CHECKING:  # click's ParamType is generic for the type checker (value, input)
    _DateParamType = click.ParamType[dt.date, Any]
else:
    _DateParamType = click.ParamType


class UserDate(_DateParamType):
    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_user_date(str(value))
        except ValueError:
            self.fail(
                f"{value!r} is not a date like 2026-03-31 or 31/03/2026, from 2000 to 2099",
                param,
                ctx,
            )


DATE = UserDate()
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _date(flag: str, help_text: str, *, required: bool = False) -> Callable[[FC], FC]:
    return click.option(flag, type=DATE, required=required, help=help_text)


def milestones(kind: str, dates: Mapping[str, dt.date | None], flags: set[str]) -> list[Milestone]:
    """The kind's milestones from the dates given (no store, no screen)."""
    from ips_field.templates import load_templates

    override = os.environ.get(TEMPLATES_ENV)
    templates, errors = load_templates(Path(override) if override else None)
    for error in errors:
        click.echo(f"{PROG}: warning: {error} (the packaged rules are used)", err=True)
    known = {k: v for k, v in dates.items() if v is not None}
    return compute(templates.timelines[kind], Inputs(known, frozenset(flags)))


def show(kind: str, found: list[Milestone], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"kind": kind, "milestones": [m.as_json() for m in found]}))
        return
    for m in found:
        click.echo(f"{m.id:<22} {m.date.isoformat()} ({m.date:%a})  {m.rule}")
        click.echo(f"{'':<22} source: {m.source}")


@click.group(name="timeline", invoke_without_command=True)
@click.pass_context
def timeline(ctx: click.Context) -> None:
    """Statutory dates worked out from the dates you give (see docs/templates.md)."""
    if ctx.invoked_subcommand is None:
        kinds = ", ".join(sorted(timeline.commands))
        raise click.UsageError(f"timeline needs a kind: {kinds}")


@timeline.command("ehc-assessment")
@_date("--request", "Date the LA received the request for an assessment.", required=True)
@_date("--draft", "Date the draft plan was issued.")
@FORMAT
@one_line_errors(PROG)
def ehc_assessment(request: dt.date, draft: dt.date | None, fmt: str) -> None:
    """EHC needs assessment: 6, 16 and 20 weeks; 15 days to comment on a draft."""
    dates = {"assessment_requested": request, "draft_plan_issued": draft}
    show("ehc-assessment", milestones("ehc-assessment", dates, set()), fmt)


@timeline.command("annual-review")
@_date("--meeting", "Date of the annual review meeting.", required=True)
@_date("--amendment-notice", "Date the LA sent the proposed amendments.")
@FORMAT
@one_line_errors(PROG)
def annual_review(meeting: dt.date, amendment_notice: dt.date | None, fmt: str) -> None:
    """Annual review: report in 2 weeks, LA decision in 4, amended plan in 8 after notice."""
    dates = {"review_meeting_held": meeting, "amendment_notice_sent": amendment_notice}
    show("annual-review", milestones("annual-review", dates, set()), fmt)


@timeline.command("phase-transfer")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Year of transfer.")
@click.option("--post-16", "post_16", is_flag=True, help="Moving from school to post-16.")
@FORMAT
@one_line_errors(PROG)
def phase_transfer(year: int, post_16: bool, fmt: str) -> None:
    """Phase transfer: amended plan by 15 February (31 March for post-16)."""
    flags = {"post_16"} if post_16 else set()
    dates = {"phase_transfer_year": dt.date(year, 1, 1)}
    show("phase-transfer", milestones("phase-transfer", dates, flags), fmt)


@timeline.command("appeal")
@_date("--decision", "Date on the decision letter.", required=True)
@_date("--certificate", "Date on the mediation certificate.")
@FORMAT
@one_line_errors(PROG)
def appeal(decision: dt.date, certificate: dt.date | None, fmt: str) -> None:
    """Appeal to the SEND Tribunal: 2 months or 1 month from a certificate, the later."""
    dates = {"decision_letter": decision, "mediation_certificate": certificate}
    show("appeal", milestones("appeal", dates, set()), fmt)


@timeline.command("sar")
@_date("--received", "Date the subject access request was received.", required=True)
@FORMAT
@one_line_errors(PROG)
def sar(received: dt.date, fmt: str) -> None:
    """Subject access request: one calendar month (extendable by two more)."""
    show("sar", milestones("sar", {"sar_received": received}, set()), fmt)


def register(group: click.Group) -> None:
    group.add_command(timeline)
