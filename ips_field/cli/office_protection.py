"""``ips-office requests`` and ``ips-office erase``: data protection from the command line
(names are a contract; the same actions as the office app's Data protection screen).

    ips-office requests [--all]                          what is open: due dates, overdue
    ips-office requests add KIND REF --received DATE     subject_access|erasure|rectification
    ips-office requests extend ID --months 1|2 --reason TEXT [--notice DATE]
    ips-office requests close ID [--on DATE] [--outcome TEXT]
    ips-office erase REF --requested DATE --reason TEXT [--yes]

Dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``. Errors are one line, exit 1, nothing changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ips_field.domain.dp_requests import KINDS


def _date(text: str | None, what: str) -> dt.date | None:
    from ips_field.domain.calendar import parse_user_date

    if text is None:
        return None
    try:
        return parse_user_date(text)
    except ValueError as err:
        raise click.ClickException(f"{what}: {err}") from None


def register(main: click.Group) -> None:
    from ips_field.cli.common import one_line_errors
    from ips_field.cli.office import PROG, office_store_option, open_node
    from ips_field.domain.shown import shown

    def show(request) -> str:  # type: ignore[no-untyped-def]
        extended = f", extended to {request.extended_to}" if request.extended_to else ""
        answered = f", answered {request.closed_on}" if request.closed_on else ""
        return shown(
            f"{request.id}  {KINDS[request.kind]:<14} {request.reference:<10} received "
            f"{request.received_on}, due {request.due_on}{extended}{answered}"
        )

    @main.group("requests", invoke_without_command=True)
    @click.option("--all", "everything", is_flag=True, help="Answered requests too.")
    @office_store_option
    @click.pass_context
    @one_line_errors(PROG)
    def requests_group(ctx: click.Context, everything: bool, store_path: Path | None) -> None:
        """Data-protection requests: received, due (one month), extended, answered."""
        if ctx.invoked_subcommand is not None:
            ctx.obj = store_path
            return
        from ips_field.actions.office.protection import requests

        node = open_node(store_path)
        try:
            today = node.repo.time.today()
            shown_requests = [r for r in requests(node) if everything or not r.closed_on]
        finally:
            node.store.close()
        if not shown_requests:
            click.echo("No open data-protection requests." if not everything else "None logged.")
        for r in shown_requests:
            click.echo(f"{show(r)}  [{r.status(today)}]")

    def _store(ctx: click.Context, store_path: Path | None) -> Path | None:
        return store_path or (ctx.parent.obj if ctx.parent else None)

    @requests_group.command("add")
    @click.argument("kind", type=click.Choice(list(KINDS)))
    @click.argument("ref")
    @click.option("--received", required=True, metavar="DATE", help="The day it was received.")
    @office_store_option
    @click.pass_context
    @one_line_errors(PROG)
    def add(
        ctx: click.Context, kind: str, ref: str, received: str, store_path: Path | None
    ) -> None:
        """Log a request about the family of case REF."""
        from ips_field.actions.office.protection import log_request

        day = _date(received, "--received")
        assert day is not None
        node = open_node(_store(ctx, store_path))
        try:
            request = log_request(node, kind, ref, day)
        finally:
            node.store.close()
        click.echo(f"Logged {show(request)}")

    @requests_group.command("extend")
    @click.argument("request_id", metavar="ID")
    @click.option("--months", required=True, type=int, help="1 or 2 further months in all.")
    @click.option("--reason", required=True, help="Why (complex, or one of many); recorded.")
    @click.option("--notice", metavar="DATE", help="When the person was told (default today).")
    @office_store_option
    @click.pass_context
    @one_line_errors(PROG)
    def extend(
        ctx: click.Context,
        request_id: str,
        months: int,
        reason: str,
        notice: str | None,
        store_path: Path | None,
    ) -> None:
        """Extend a request's time by up to two further months, telling the person why."""
        from ips_field.actions.office.protection import extend_request

        day = _date(notice, "--notice")
        node = open_node(_store(ctx, store_path))
        try:
            request = extend_request(node, request_id, months, reason, day)
        finally:
            node.store.close()
        click.echo(f"Extended {show(request)}")

    @requests_group.command("close")
    @click.argument("request_id", metavar="ID")
    @click.option("--on", "on", metavar="DATE", help="When it was answered (default today).")
    @click.option("--outcome", default="answered", help="What was done (recorded).")
    @office_store_option
    @click.pass_context
    @one_line_errors(PROG)
    def close(
        ctx: click.Context, request_id: str, on: str | None, outcome: str, store_path: Path | None
    ) -> None:
        """Mark a request answered."""
        from ips_field.actions.office.protection import close_request

        day = _date(on, "--on")
        node = open_node(_store(ctx, store_path))
        try:
            request = close_request(node, request_id, day, outcome)
        finally:
            node.store.close()
        click.echo(f"Answered {show(request)}")

    @main.command("erase")
    @click.argument("ref")
    @click.option("--requested", required=True, metavar="DATE", help="When erasure was asked.")
    @click.option("--reason", required=True, help="Why the family is erased (recorded).")
    @click.option("--yes", is_flag=True, help="Go on after the warnings without asking.")
    @office_store_option
    @one_line_errors(PROG)
    def erase(ref: str, requested: str, reason: str, yes: bool, store_path: Path | None) -> None:
        """Erase every trace of the family of case REF, here and on the volunteer's laptop."""
        from ips_field.actions.office.protection import check_erasure_request, erasure_warnings
        from ips_field.actions.office.protection import erase as erase_family

        day = _date(requested, "--requested")
        assert day is not None
        node = open_node(store_path)
        try:
            check_erasure_request(node, day, reason)  # before the warnings: one line, nothing done
            warnings = erasure_warnings(node, ref)
            for line in warnings:
                click.echo(f"WARNING: {shown(line)}", err=True)
            asked = warnings and not yes
            if asked and not click.confirm("Erase anyway? This cannot be undone", err=True):
                click.echo("Nothing was erased.")
                raise SystemExit(1)
            done = erase_family(
                node, ref, requested_on=day, reason=reason, accept_warnings=bool(warnings)
            )
        finally:
            node.store.close()
        click.echo(
            f"Erased {done.stub['records']} records of {shown(done.stub['reference'])} "
            f"({done.request.id}); export to take the erasure to the volunteer's laptop."
        )
