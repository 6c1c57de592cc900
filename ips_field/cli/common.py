"""What the command lines share: one-line errors, passphrase prompts, store options."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ips_field.domain.passphrase import assess
from ips_field.domain.shown import shown
from ips_field.errors import IpsError
from ips_field.store.osdeps import default_store_path
from ips_field.store.store import KdfParams, Store

F = TypeVar("F", bound=Callable[..., Any])
PROG = "ips-field"
TEST_KDF_ENV = "IPS_FIELD_TEST_KDF"  # test-only: cheap KDF inside the bounds; never the default


def fail(message: str) -> None:
    click.echo(f"{PROG}: {shown(message)}", err=True)
    sys.exit(1)


def one_line_errors(prog: str) -> Callable[[F], F]:
    """Turn every expected failure into one line on stderr and exit status 1."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except IpsError as err:
                click.echo(f"{prog}: {shown(err)}", err=True)
            except click.ClickException as err:
                click.echo(f"{prog}: {shown(err.format_message())}", err=True)
            except (KeyboardInterrupt, click.Abort, EOFError):
                click.echo(f"{prog}: cancelled", err=True)
            except PermissionError:
                click.echo(f"{prog}: permission denied for that file or folder", err=True)
            except OSError as err:
                click.echo(f"{prog}: {err.strerror or 'file system error'}", err=True)
            except Exception as err:
                from ips_field.crash import report_crash

                operation = func.__name__.rstrip("_").replace("_", " ")
                click.echo(f"{prog}: {report_crash(operation, err)}", err=True)
            sys.exit(1)

        return inner  # type: ignore[return-value]

    return wrap


def explicit_store_first(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """``--store`` given on the command line always wins over the environment variable,
    whether it was written before the subcommand (``prog --store X cmd``) or after it
    (``prog cmd --store X``); after it beats before it. Only when neither was typed does
    the environment (then the default folder) decide."""
    from click.core import ParameterSource

    name = param.name or "store_path"
    if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
        return value
    parent = ctx.parent
    while parent is not None:
        if parent.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            return parent.params.get(name)
        parent = parent.parent
    return value


def store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="IPS_FIELD_STORE",
        default=None,
        callback=explicit_store_first,
        help="Store file (default: your data folder; env IPS_FIELD_STORE). "
        "Given on the command line, before or after the command, it beats the variable.",
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
    from sync.erasure import finish_owed_scrub

    store = Store.open(resolve(store_path), ask_passphrase("IPS_FIELD_PASSPHRASE"))
    finish_owed_scrub(store)  # an erasure a crash interrupted is finished at the next open
    return store


class OneLineGroup(click.Group):
    """A command group whose usage errors (a missing option, a bad value) are one line too:
    ``prog: message`` on stderr, exit status 1, as for every other error."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        prog = self.name or "ips-field"
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as err:
            click.echo(f"{prog}: {shown(err.format_message())}", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo(f"{prog}: cancelled", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
