"""``ips-field``: the volunteer's command line. Command names and flags are a contract.

Every error is one line on stderr prefixed ``ips-field:``, exit status 1, no traceback, and
nothing changed. Passphrases never travel in argv: they are asked for, or read from
``IPS_FIELD_PASSPHRASE`` / ``IPS_FIELD_NEW_PASSPHRASE`` for scripts.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ips_field.domain.passphrase import assess
from ips_field.errors import IpsError
from ips_field.store.osdeps import default_store_path
from ips_field.store.repository import Repository
from ips_field.store.store import KdfParams, Store

F = TypeVar("F", bound=Callable[..., Any])
PROG = "ips-field"
TEST_KDF_ENV = "IPS_FIELD_TEST_KDF"  # test-only: cheap KDF inside the bounds; never the default


def fail(message: str) -> None:
    click.echo(f"{PROG}: {message}", err=True)
    sys.exit(1)


def one_line_errors(prog: str) -> Callable[[F], F]:
    """Turn every expected failure into one line on stderr and exit status 1."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except IpsError as err:
                click.echo(f"{prog}: {err}", err=True)
            except (KeyboardInterrupt, click.Abort, EOFError):
                click.echo(f"{prog}: cancelled", err=True)
            except PermissionError:
                click.echo(f"{prog}: permission denied for that file or folder", err=True)
            except OSError as err:
                click.echo(f"{prog}: {err.strerror or 'file system error'}", err=True)
            sys.exit(1)

        return inner  # type: ignore[return-value]

    return wrap


def store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="IPS_FIELD_STORE",
        default=None,
        help="Store file (default: your data folder; env IPS_FIELD_STORE).",
    )(func)


def resolve(store_path: Path | None) -> Path:
    return store_path or default_store_path()


def kdf_choice() -> KdfParams | None:
    """``None`` means calibrate; the test-only variable picks the cheapest allowed cost."""
    return KdfParams.FOR_TESTS if os.environ.get(TEST_KDF_ENV) == "1" else None


def ask_passphrase(env: str, prompt: str = "Passphrase") -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    return click.prompt(prompt, hide_input=True, err=True)


def ask_new_passphrase(env: str) -> str:
    """A new passphrase, asked twice with a strength check (or from ``env``)."""
    value = os.environ.get(env)
    if value is None:
        value = click.prompt("New passphrase", hide_input=True, err=True)
        again = click.prompt("Repeat it", hide_input=True, err=True)
        if value != again:
            raise IpsError("the two passphrases do not match; nothing was changed")
    strength = assess(value)
    if not strength.ok:
        raise IpsError(f"passphrase too weak: {strength.message}")
    return value


def open_store(store_path: Path | None) -> Store:
    return Store.open(resolve(store_path), ask_passphrase("IPS_FIELD_PASSPHRASE"))


@click.group(invoke_without_command=True)
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
    try:
        from ips_field.tui.app import run_app
    except ImportError:
        fail("the app screens are not installed in this build")
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
    """Open and check the store; print a one-line summary."""
    with open_store(store_path) as store:
        info = store.info()
        repo = Repository(store)
        counts = {k: v for k, v in repo.counts().items() if v}
    parts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no records"
    torn = "; a cut-short last change was dropped" if info.torn_tail_dropped else ""
    click.echo(
        f"ok: generation {info.generation}, {info.journal_records} changes since; {parts}{torn}"
    )


@main.command()
@store_option
@one_line_errors(PROG)
def passwd(store_path: Path | None) -> None:
    """Change the store's passphrase (the data key stays; only the key slot changes)."""
    with open_store(store_path) as store:
        new = ask_new_passphrase("IPS_FIELD_NEW_PASSPHRASE")
        store.change_passphrase(new, kdf=kdf_choice() or store.kdf)
    click.echo("Passphrase changed.")


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
    from ips_field.demo import create_demo_store

    if create_only and store_path is None:
        fail("--create-only needs --store PATH")
    path = store_path or Path(tempfile.mkdtemp(prefix="ips-field-demo-")) / "demo.ipsf"
    create_demo_store(path)
    click.echo(f"Demo store (fictional families) written to {path}")
    click.echo("Its passphrase is: demo")
    if not create_only:
        launch(path, "This is the demo store of fictional families: its passphrase is  demo")


try:
    from ips_field import cli_sync
except ImportError:  # the sync commands arrive with the sync package
    cli_sync = None  # type: ignore[assignment]
if cli_sync is not None:
    cli_sync.register(main)


if __name__ == "__main__":
    main()
