"""``ips-office``: the supervisors' command line over the master record (names are a contract).

Every error is one line on stderr prefixed ``ips-office:``, exit status 1, no traceback.
The office passphrase comes from a prompt or ``IPS_OFFICE_PASSPHRASE``; the recovery key's
passphrase from a prompt or ``IPS_OFFICE_RECOVERY_PASSPHRASE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ips_field.actions import office as off
from ips_field.actions.office import enrolment
from ips_field.actions.office.revocation import revoke_volunteer
from ips_field.actions.office.volunteers import find_volunteer
from ips_field.cli import (
    office_audit,
    office_cases,
    office_protection,
    office_report,
    office_subject_access,
)
from ips_field.cli.common import (
    OneLineGroup,
    ask_new_passphrase,
    ask_passphrase,
    explicit_store_first,
    kdf_choice,
    one_line_errors,
)
from ips_field.demo import office as office_demo
from ips_field.domain.passphrase import check as check_passphrase
from ips_field.domain.shown import shown
from ips_field.errors import IpsError, ValidationError
from ips_field.store.osdeps import default_store_path
from sync.keys import PublicIdentity

PROG = "ips-office"


def office_store_option(func: Any) -> Any:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="IPS_OFFICE_STORE",
        default=None,
        callback=explicit_store_first,
        help="Master record file (default: the office data folder; env IPS_OFFICE_STORE). "
        "Given on the command line, before or after the command, it beats the variable.",
    )(func)


def resolve(store_path: Path | None) -> Path:
    return store_path or default_store_path("office.ipsf", "ips-office")


def open_node(store_path: Path | None) -> Any:
    from ips_field.actions.office import open_office

    return open_office(
        resolve(store_path), ask_passphrase("IPS_OFFICE_PASSPHRASE", "Office passphrase")
    )


@click.group(cls=OneLineGroup, name=PROG, invoke_without_command=True)
@office_store_option
@click.version_option(package_name="ips-field", prog_name=PROG)
@click.pass_context
def main(ctx: click.Context, store_path: Path | None) -> None:
    """The office's master record: enrol volunteers, import and export bundles, report.

    With no command, opens the office app on the master record.
    """
    if ctx.invoked_subcommand is None:
        launch(resolve(store_path))


@one_line_errors(PROG)
def launch(store_path: Path, unlock_hint: str = "") -> None:
    """Open the office app; the master record must exist (``ips-office init`` makes one)."""
    if not store_path.exists():
        raise click.ClickException(
            f"no master record at {store_path}: create one with `ips-office init`"
        )
    from ips_field.tui.office.app import run_office

    run_office(store_path, unlock_hint)


@main.command()
@office_store_option
@click.option(
    "--recovery-key",
    "recovery_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the offline recovery key (default: beside the store).",
)
@one_line_errors(PROG)
def init(store_path: Path | None, recovery_out: Path | None) -> None:
    """Create the master record and the offline recovery key pair."""
    from ips_field.actions.office import init_office

    path = resolve(store_path)
    if path.exists():
        raise click.ClickException("a master record already exists there")
    passphrase = ask_new_passphrase("IPS_OFFICE_PASSPHRASE")
    recovery = os.environ.get("IPS_OFFICE_RECOVERY_PASSPHRASE") or click.prompt(
        "Passphrase for the offline recovery key (keep it apart from the office passphrase)",
        hide_input=True,
        confirmation_prompt=True,
        err=True,
    )
    problem = check_passphrase(recovery, "recovery key passphrase")
    if problem:
        raise click.ClickException(f"{problem}; nothing was created")
    out = recovery_out or path.with_name("office-recovery.key")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    node = init_office(path, passphrase, recovery, out, kdf=kdf_choice())
    click.echo(f"Created the master record {path}")
    click.echo(f"Office fingerprint: {node.identity.fingerprint()}")
    click.echo(f"Recovery key written to {out}: keep it OFFLINE (e.g. a USB stick in the safe).")
    node.store.close()


@main.command()
@click.argument("name")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@office_store_option
@one_line_errors(PROG)
def enrol(name: str, out: Path, store_path: Path | None) -> None:
    """Invite a volunteer: writes the invitation file and prints the one-time code."""
    if os.path.lexists(out):
        raise IpsError("that file already exists; choose another name for the invitation")
    node = open_node(store_path)
    try:
        made = enrolment.invite(node, name, out)
    finally:
        node.store.close()
    click.echo(f"Invitation written to {shown(made.path)} (volunteer id {made.volunteer_id}).")
    click.echo(f"One-time code (give it in person or by phone, never with the file): {made.code}")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--confirm", default=None, help="Volunteer fingerprint, checked in person (scripts).")
@click.option("--quarantine", type=click.Path(file_okay=False, path_type=Path), default=None)
@office_store_option
@one_line_errors(PROG)
def import_(
    paths: tuple[Path, ...], confirm: str | None, quarantine: Path | None, store_path: Path | None
) -> None:
    """Import enrolment replies and volunteers' bundles (files or folders)."""
    from sync.inbox import import_paths

    node = open_node(store_path)

    def on_reply(public: PublicIdentity) -> str:
        reply = enrolment.reply_for(node, public)
        click.echo(f"enrolment reply from {shown(reply.name)}")
        click.echo(f"  volunteer fingerprint: {reply.volunteer_fingerprint}")
        click.echo(f"  office fingerprint:    {reply.office_fingerprint}")
        given = confirm or click.prompt(
            "Type the volunteer's fingerprint as they read it out", err=True
        )
        roster = enrolment.confirm(node, reply, given)
        return f"{shown(reply.name)} added to the roster (version {roster.version})"

    try:
        report = import_paths(node, list(paths), quarantine=quarantine, on_reply=on_reply)
    finally:
        node.store.close()
    for line in report.all_lines():
        click.echo(line)
    if report.failed:
        raise SystemExit(1)


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--volunteer", default=None, help="Only this volunteer (name or short code).")
@office_store_option
@one_line_errors(PROG)
def export(out_dir: Path, volunteer: str | None, store_path: Path | None) -> None:
    """Write one sealed bundle per volunteer (assignments, acknowledgements, roster)."""
    from sync.inbox import export_files

    node = open_node(store_path)
    try:
        only = find_volunteer(node, volunteer) if volunteer else None
        lines = export_files(node, out_dir, only)
    finally:
        node.store.close()
    for line in lines:
        click.echo(line)


@main.command()
@click.argument("volunteer")
@click.option(
    "--reassign-to",
    "reassign_to",
    default=None,
    help="Hand their open cases to this volunteer (name or short code), each through the check.",
)
@click.option("--reason", default="", help="Reason to go ahead when the conflict check warns.")
@office_store_option
@one_line_errors(PROG)
def revoke(volunteer: str, reassign_to: str | None, reason: str, store_path: Path | None) -> None:
    """Revoke VOLUNTEER (name or short code): later bundles refused; their next bundle
    carries a wipe instruction.

    Their open cases go to --reassign-to when the conflict check allows; any that cannot
    (or all, without --reassign-to) stay listed as needing a decision in the office app."""
    node = open_node(store_path)
    try:
        vid = find_volunteer(node, volunteer)
        target = find_volunteer(node, reassign_to) if reassign_to else None
        revoked = revoke_volunteer(node, vid, reassign_to=target, reason=reason.strip())
        names = {
            v: off.volunteer_name(node, v) for v in (node.roster.volunteers if node.roster else {})
        }
    finally:
        node.store.close()
    for line in revoked.lines(names):
        click.echo(shown(line))
    if revoked.waiting:
        click.echo(
            f"{len(revoked.waiting)} open cases need a decision: the office home screen lists "
            "them until each is reassigned."
        )
    click.echo("Export to deliver the wipe instruction.")


@main.command()
@office_store_option
@one_line_errors(PROG)
def waiting(store_path: Path | None) -> None:
    """Open cases of revoked volunteers that need a decision (reference, held by, why)."""
    from ips_field.actions.office.revocation import needs_decision

    node = open_node(store_path)
    try:
        rows = [
            (w.reference, off.volunteer_name(node, w.held_by), w.why) for w in needs_decision(node)
        ]
    finally:
        node.store.close()
    if not rows:
        click.echo("No cases need a decision.")
    for ref, name, why in rows:
        click.echo(shown(f"{ref}: held by {name} (revoked): {why}"))


@main.command()
@click.argument("reference")
@click.option("--to", "to", required=True, help="The volunteer (name or short code) who takes it.")
@click.option("--reason", default="", help="Reason to go ahead when the conflict check warns.")
@office_store_option
@one_line_errors(PROG)
def decide(reference: str, to: str, reason: str, store_path: Path | None) -> None:
    """Reassign a revoked volunteer's case, through the conflict check."""
    from ips_field.actions.office.documents import find_case
    from ips_field.actions.office.revocation import decide as decide_case
    from ips_field.actions.office.revocation import needs_decision

    node = open_node(store_path)
    try:
        case_id = find_case(node, reference)
        if case_id not in {w.case_id for w in needs_decision(node)}:
            raise ValidationError({"case": "That case is not waiting for a decision"})
        target = find_volunteer(node, to)
        case = decide_case(node, case_id, target, reason=reason.strip())
        name = off.volunteer_name(node, target)
    finally:
        node.store.close()
    click.echo(
        shown(f"{case.reference} reassigned to {name}; it reaches them with the next export.")
    )


@main.command()
@click.argument("volunteer_store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@one_line_errors(PROG)
def recover(volunteer_store: Path, key_file: Path) -> None:
    """Passphrase recovery for a volunteer's store with the offline recovery key."""
    from ips_field.actions.office import recover_volunteer_store

    key_pass = os.environ.get("IPS_OFFICE_RECOVERY_PASSPHRASE") or click.prompt(
        "Recovery key passphrase", hide_input=True, err=True
    )
    new = ask_new_passphrase("IPS_FIELD_NEW_PASSPHRASE")
    recover_volunteer_store(volunteer_store, key_file, key_pass, new)
    click.echo("The store now opens with the new passphrase.")


@main.command()
@click.option(
    "--rekey",
    is_flag=True,
    help="Also replace the data key and rewrite the master record (for a passphrase "
    "someone may have seen).",
)
@office_store_option
@one_line_errors(PROG)
def passwd(rekey: bool, store_path: Path | None) -> None:
    """Change the office passphrase (the data key stays unless --rekey)."""
    from ips_field.store.store import Store

    path = resolve(store_path)
    with Store.open(path, ask_passphrase("IPS_OFFICE_PASSPHRASE", "Office passphrase")) as store:
        new = ask_new_passphrase("IPS_OFFICE_NEW_PASSPHRASE")
        if rekey:
            store.rekey(new, kdf=kdf_choice() or store.kdf)
        else:
            store.change_passphrase(new, kdf=kdf_choice() or store.kdf)
    click.echo("Office passphrase changed" + ("; rewritten under a new key." if rekey else "."))


# Commands that live in their own modules join here; a broken module is an error, not a
# command that silently vanishes from --help.
office_report.register(main)
office_cases.register(main)
office_subject_access.register(main)
office_audit.register(main)
office_protection.register(main)
office_demo.register(main)

if __name__ == "__main__":
    main()
