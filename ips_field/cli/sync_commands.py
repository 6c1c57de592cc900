"""``ips-field enrol`` and ``ips-field sync export|import`` (names are a contract)."""

from __future__ import annotations

from pathlib import Path

import click

from ips_field.cli.common import (
    PROG,
    one_line_errors,
    open_store,
    store_option,
)


@click.command()
@click.argument("invite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--code", default=None, help="The one-time code from the office (asked if absent).")
@store_option
@one_line_errors(PROG)
def enrol(invite: Path, out_dir: Path, code: str | None, store_path: Path | None) -> None:
    """Answer an office invitation: writes an enrolment reply to take back to the office."""
    from ips_field.domain.shown import shown
    from sync.bundle import bundle_filename
    from sync.enrol import volunteer_enrol
    from sync.safefile import create_exclusive, read_regular

    code = code or click.prompt("One-time code from the office", err=True)
    invitation = read_regular(invite, 64 * 1024)  # a regular file, not a link, size first
    with open_store(store_path) as store:
        reply, mine, office = volunteer_enrol(store, invitation, code)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / bundle_filename().replace(".ipsb", ".ipsr")
    create_exclusive(target, reply)
    target_shown = shown(target)
    click.echo(f"Enrolment reply written to {target_shown}")
    click.echo(f"Your fingerprint:       {mine}")
    click.echo(f"The office fingerprint: {office}")
    click.echo("Compare both fingerprints with your supervisor in person before trusting them.")


@click.group()
def sync() -> None:
    """Exchange sealed bundles with the office (USB stick, email, shared folder)."""


@sync.command("export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@store_option
@one_line_errors(PROG)
def sync_export(out_dir: Path, store_path: Path | None) -> None:
    """Seal everything the office has not acknowledged into a new bundle file."""
    from sync.inbox import export_files
    from sync.node import SyncNode

    with open_store(store_path) as store:
        lines = export_files(SyncNode(store, "volunteer"), out_dir)
    for line in lines:
        click.echo(line)


@sync.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
@one_line_errors(PROG)
def sync_import(files: tuple[Path, ...], store_path: Path | None) -> None:
    """Import bundles from the office (files or folders); see docs/sync.md "Inbox".

    Closed cases the office has held for the retention period then leave this laptop."""
    import os

    from ips_field.actions.volunteer.retention import import_and_purge, retention_days
    from ips_field.templates import load_templates
    from sync.node import SyncNode

    override = os.environ.get("IPS_FIELD_TEMPLATES")
    templates = load_templates(Path(override) if override else None)[0]
    with open_store(store_path) as store:
        node = SyncNode(store, "volunteer")
        days = retention_days(node.repo, templates)
        report = import_and_purge(node, list(files), days=days)
    for line in report.all_lines():
        click.echo(line)
    if report.failed:
        raise SystemExit(1)


@sync.command("audit-heads")
@store_option
@one_line_errors(PROG)
def sync_audit_heads(store_path: Path | None) -> None:
    """The office audit-log heads this laptop received (for the office's `audit verify`)."""
    from sync.node import SyncNode

    with open_store(store_path) as store:
        kept = list(SyncNode(store, "volunteer").state.get("audit_anchors", []))
    if not kept:
        click.echo("No office audit head received yet.")
    for anchor in kept:
        when = str(anchor.get("received_at", ""))[:10]
        click.echo(f"{when}  {anchor.get('n')}:{anchor.get('hash')}")


def register(main: click.Group) -> None:
    main.add_command(enrol)
    main.add_command(sync)
