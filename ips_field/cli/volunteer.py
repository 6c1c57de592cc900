"""``ips-field``: the volunteer's command line. Command names and flags are a contract.

Every error is one line on stderr prefixed ``ips-field:``, exit status 1, no traceback, and
nothing changed. Passphrases never travel in argv: they are asked for, or read from
``IPS_FIELD_PASSPHRASE`` / ``IPS_FIELD_NEW_PASSPHRASE`` for scripts.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from ips_field.cli import sync_commands as cli_sync
from ips_field.cli.common import (
    PROG,
    OneLineGroup,
    ask_new_passphrase,
    ask_passphrase,
    fail,
    kdf_choice,
    one_line_errors,
    open_store,
    resolve,
    store_option,
)
from ips_field.store.repository import Repository
from ips_field.store.store import Store


@click.group(cls=OneLineGroup, name=PROG, invoke_without_command=True)
@store_option
@click.version_option(package_name="ips-field", prog_name=PROG)
@click.pass_context
def main(ctx: click.Context, store_path: Path | None) -> None:
    """Encrypted case notes and impartiality safeguards for Independent Parental Supporters.

    With no command, opens the app on your store (or the first-run wizard).
    """
    if ctx.invoked_subcommand is None:
        launch(resolve(store_path))


@one_line_errors(PROG)
def launch(store_path: Path, unlock_hint: str = "") -> None:
    from ips_field.tui.app import run_app  # Textual loads only when the app is opened

    run_app(store_path=store_path, unlock_hint=unlock_hint)


@main.command()
@store_option
@one_line_errors(PROG)
def init(store_path: Path | None) -> None:
    """Create a new encrypted store."""
    path = resolve(store_path)
    if path.exists():
        fail("a store already exists there; nothing was changed")
    passphrase = ask_new_passphrase("IPS_FIELD_PASSPHRASE")
    click.echo("Creating the store (measuring this computer to set the unlock cost)...", err=True)
    with Store.create(path, passphrase, kdf=kdf_choice()) as store:
        Repository(store)
        kdf = store.kdf
    assert kdf is not None
    click.echo(
        f"Created {path} (unlock cost: {kdf.memory_kib // 1024} MiB, {kdf.iterations} passes)."
    )


@main.command()
@store_option
@one_line_errors(PROG)
def verify(store_path: Path | None) -> None:
    """Open and check the store read-only (nothing is written); print a one-line summary."""
    from ips_field.domain.records import KINDS

    path = resolve(store_path)
    with Store.open(path, ask_passphrase("IPS_FIELD_PASSPHRASE"), read_only=True) as store:
        info = store.info()
        counts = {
            kind: sum(1 for d in store.table(kind).all() if not d.get("deleted")) for kind in KINDS
        }
        counts = {k: v for k, v in counts.items() if v}
    parts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no records"
    torn = "; a cut-short last change was dropped" if info.torn_tail_dropped else ""
    click.echo(
        f"ok: generation {info.generation}, {info.journal_records} changes since; {parts}{torn}"
    )


@main.command()
@click.option(
    "--rekey",
    is_flag=True,
    help="Also replace the data key and rewrite the store (for a passphrase someone may "
    "have seen: an old copy of the store then holds nothing written after this).",
)
@store_option
@one_line_errors(PROG)
def passwd(rekey: bool, store_path: Path | None) -> None:
    """Change the store's passphrase (the data key stays unless --rekey)."""
    with open_store(store_path) as store:
        new = ask_new_passphrase("IPS_FIELD_NEW_PASSPHRASE")
        if rekey:
            store.rekey(new, kdf=kdf_choice() or store.kdf)
        else:
            store.change_passphrase(new, kdf=kdf_choice() or store.kdf)
    click.echo(
        "Passphrase changed; the store was rewritten under a new key."
        if rekey
        else "Passphrase changed."
    )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json"]), required=True)
@store_option
@one_line_errors(PROG)
def export(fmt: str, store_path: Path | None) -> None:
    """Write the decrypted records to stdout (for a data-protection request or a move)."""
    with open_store(store_path) as store:
        repo = Repository(store)
        from ips_field.domain.records import KINDS

        records = {kind: repo.table(kind).all() for kind in KINDS}
    click.echo(
        "WARNING: this output is NOT encrypted. It contains families' personal data; "
        "keep it only as long as needed and delete it safely.",
        err=True,
    )
    click.echo(json.dumps({k: [dict(d) for d in v] for k, v in records.items()}, indent=2))


@main.command()
@store_option
@click.option("--create-only", is_flag=True, help="Write the demo store and exit.")
@one_line_errors(PROG)
def demo(store_path: Path | None, create_only: bool) -> None:
    """A store of fictional demo data (passphrase: demo), opened in the app."""
    from ips_field.demo.volunteer import create_demo_store

    if create_only and store_path is None:
        fail("--create-only needs --store PATH")
    path = store_path or Path(tempfile.mkdtemp(prefix="ips-field-demo-")) / "demo.ipsf"
    create_demo_store(path)
    click.echo(f"Demo store (fictional families) written to {path}")
    click.echo("Its passphrase is: demo")
    if not create_only:
        launch(path, "This is the demo store of fictional families: its passphrase is  demo")


cli_sync.register(main)

from ips_field.cli import timeline as cli_timeline  # noqa: E402

cli_timeline.register(main)


if __name__ == "__main__":
    main()
