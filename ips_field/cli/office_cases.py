"""``ips-office volunteers``, ``ips-office intake`` and ``ips-office assign`` (a contract).

    ips-office volunteers [--store PATH]
    ips-office intake [--from-file FILE|-] [--volunteer NAME|CODE] [--store PATH]
    ips-office assign REF VOLUNTEER [--store PATH]

A family's details never travel in the command's arguments (a command line is visible to
other users in ``ps`` and stays in the shell's history): ``intake`` asks for each field, or
reads them from ``--from-file`` (``-``: standard input, so nothing need be written to disk).
A reason for going ahead after a conflict-check warning is asked for too (or is the file's
``override_reason``). Volunteers are named by display name or short code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ips_field.actions.office.intake import FIELDS, Referral
from ips_field.domain.vocabulary import REFERRAL_SOURCES

PROMPTS = [
    (name, f"{label} ({', '.join(REFERRAL_SOURCES)})" if name == "source" else label)
    for name, label in FIELDS
]

MAX_REFERRAL_BYTES = 64 * 1024


def read_referral(source: str) -> tuple[dict[str, Any], str]:
    """The referral fields and any override reason from a YAML file or standard input."""
    import yaml

    from ips_field.errors import IpsError
    from sync.safefile import read_regular

    if source == "-":
        data = sys.stdin.buffer.read(MAX_REFERRAL_BYTES + 1)
        if len(data) > MAX_REFERRAL_BYTES:
            raise IpsError("the referral is larger than 64 KiB")
    else:
        from sync.errors import SyncError

        try:
            data = read_regular(Path(source), MAX_REFERRAL_BYTES)
        except SyncError:
            raise IpsError("the referral must be a regular file of at most 64 KiB") from None
    try:
        parsed = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        raise IpsError("the referral is not a readable list of field: value lines") from None
    if not isinstance(parsed, dict):
        raise IpsError("the referral is not a readable list of field: value lines")
    reason = parsed.pop("override_reason", "") or ""
    return parsed, str(reason)


def ask_referral() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, prompt in PROMPTS:
        values[name] = click.prompt(prompt, default="", show_default=False, err=True)
    return values


def register(main: click.Group) -> None:
    from ips_field.cli.common import one_line_errors
    from ips_field.cli.office import PROG, office_store_option, open_node

    @main.command("volunteers")
    @office_store_option
    @one_line_errors(PROG)
    def volunteers(store_path: Path | None) -> None:
        """List volunteers: id, short code, name, status, open cases held, last bundle."""
        from ips_field.actions.office.volunteers import volunteer_rows
        from ips_field.domain.shown import shown

        node = open_node(store_path)
        try:
            rows = volunteer_rows(node)
        finally:
            node.store.close()
        if not rows:
            click.echo("No volunteers yet: invite one with `ips-office enrol NAME --out FILE`.")
            return
        width = max(len(r.name) for r in rows)
        click.echo(f"{'id':36}  {'code':8}  {'name':{width}}  status   cases  last bundle")
        for r in rows:
            click.echo(
                f"{r.id:36}  {r.code:8}  {shown(r.name):{width}}  {r.status:7}  "
                f"{r.cases_held:5}  {r.last_bundle or '-'}"
            )

    @main.command("intake")
    @click.option(
        "--from-file",
        "from_file",
        default=None,
        metavar="FILE|-",
        help="Read the referral (field: value lines) from FILE, or - for standard input, "
        "instead of asking.",
    )
    @click.option("--volunteer", default=None, help="Assign to this volunteer (name or code).")
    @office_store_option
    @one_line_errors(PROG)
    def intake(from_file: str | None, volunteer: str | None, store_path: Path | None) -> None:
        """Open a new case from a referral, with a service reference; assign it if asked."""
        from ips_field.actions.office.intake import check_for, open_referral, records_for
        from ips_field.actions.office.volunteers import find_volunteer
        from ips_field.domain.shown import shown
        from sync.node import volunteer_name

        node = open_node(store_path)
        try:
            vid = find_volunteer(node, volunteer) if volunteer else ""
            if from_file:
                fields, reason = read_referral(from_file)
            else:
                fields, reason = ask_referral(), ""
            referral = Referral.from_mapping(fields)
            records_for(node, referral)  # every field checked before any question on the check
            if vid and not reason:
                check = check_for(node, vid, referral)
                if check.outcome == "warn":
                    # the reasons quote the volunteer's declared interest: their text, escaped
                    warns = "; ".join(check.reasons)
                    click.echo("The conflict check warns: " + shown(warns), err=True)
                    reason = click.prompt(
                        "Reason for going ahead (blank: nothing is written)",
                        default="",
                        show_default=False,
                        err=True,
                    )
                    if not reason.strip():
                        raise click.ClickException("no reason given; nothing was written")
            opened = open_referral(node, referral, volunteer_id=vid, reason=reason)
            who = volunteer_name(node, vid) if vid else ""
        finally:
            node.store.close()
        line = f"Opened {opened.case.reference}, referral received {opened.case.opened_on}"
        click.echo(shown(line + (f", assigned to {who}." if who else "; not yet assigned.")))
        if from_file and from_file != "-":
            click.echo(
                "The referral file holds the family's details in plain text: delete it safely.",
                err=True,
            )

    @main.command("assign")
    @click.argument("ref")
    @click.argument("volunteer")
    @office_store_option
    @one_line_errors(PROG)
    def assign_(ref: str, volunteer: str, store_path: Path | None) -> None:
        """Assign case REF to VOLUNTEER (name or code) through the conflict check."""
        from ips_field.actions.office.assignment import assign
        from ips_field.actions.office.documents import find_case
        from ips_field.actions.office.volunteers import find_volunteer
        from ips_field.domain.shown import shown
        from ips_field.errors import ValidationError
        from sync.node import volunteer_name

        node = open_node(store_path)
        try:
            case_id = find_case(node, ref)
            vid = find_volunteer(node, volunteer)
            try:
                case = assign(node, case_id, vid)
            except ValidationError as err:
                if "reason" not in err.errors:
                    raise
                click.echo(shown(err.errors["reason"]), err=True)  # quotes an interest
                reason = click.prompt(
                    "Reason for going ahead (blank: nothing is changed)",
                    default="",
                    show_default=False,
                    err=True,
                )
                if not reason.strip():
                    raise click.ClickException("no reason given; nothing was changed") from None
                case = assign(node, case_id, vid, reason=reason)
            who = volunteer_name(node, vid)
        finally:
            node.store.close()
        click.echo(shown(f"{case.reference} assigned to {who}. Export to send it to them."))
