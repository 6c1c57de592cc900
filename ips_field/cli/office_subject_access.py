"""``ips-office subject-access``: everything held about one family, as a file (a contract).

    ips-office subject-access REF --format docx|pdf|json --out FILE [--annex]
                              [--received DATE] [--store PATH]

docx and pdf are the readable pack (by section, each record dated with who recorded it);
``--annex`` adds the raw JSON at the end; json is the raw export alone. The file is new,
readable by its owner only, written atomically and never over an existing file; the export
is audited. ``--received`` logs the request with the day it came in (see ``ips-office
requests``) and marks it answered; an open subject access request already logged for the
case is marked answered either way. It holds the family's names: the command says so on
stderr. Errors are one line.
"""

from __future__ import annotations

from pathlib import Path

import click

from ips_field.actions.office.documents import SAR_FORMATS


def register(main: click.Group) -> None:
    from ips_field.cli.common import one_line_errors
    from ips_field.cli.office import PROG, office_store_option, open_node

    @main.command("subject-access")
    @click.argument("ref", required=False)
    @click.option("--format", "fmt", metavar="docx|pdf|json", help="docx, pdf or json (required).")
    @click.option(
        "--out",
        "out",
        metavar="FILE",
        type=click.Path(path_type=Path),
        help="A new file to write (required; never overwritten).",
    )
    @click.option("--annex", is_flag=True, help="Add the raw JSON as an annex (docx and pdf).")
    @click.option(
        "--received", metavar="DATE", help="When the request was received (logs it, answered)."
    )
    @office_store_option
    @one_line_errors(PROG)
    def subject_access(
        ref: str | None,
        fmt: str | None,
        out: Path | None,
        annex: bool,
        received: str | None,
        store_path: Path | None,
    ) -> None:
        """Write the subject access pack for the family of case REF (its reference)."""
        from ips_field.actions.office.protection import subject_access as write_pack
        from ips_field.domain.calendar import parse_user_date

        missing = [n for n, v in (("REF", ref), ("--format", fmt), ("--out", out)) if not v]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise click.ClickException(
                f"{', '.join(missing)} {verb} needed (see ips-office subject-access --help)"
            )
        assert ref and fmt and out
        if fmt not in SAR_FORMATS:
            raise click.ClickException(f"--format is docx, pdf or json, not {fmt!r}")
        if out.is_dir():
            raise click.ClickException(f"{out} is a folder; --out needs a file name")
        if out.exists():
            raise click.ClickException(f"{out} already exists; choose another file")
        if not out.parent.is_dir():
            raise click.ClickException(f"the folder {out.parent} does not exist")
        try:
            day = parse_user_date(received) if received is not None else None
        except ValueError as err:
            raise click.ClickException(f"--received: {err}") from None
        node = open_node(store_path)
        try:
            _, request = write_pack(node, ref, fmt, out, received=day, annex=annex)
        finally:
            node.store.close()
        if request is not None:
            click.echo(
                f"Request {request.id} (received {request.received_on}, due {request.due_on}) "
                f"marked answered on {request.closed_on}."
            )
        click.echo(
            f"Subject access pack written to {out}. It is outside the encrypted record and "
            "holds the family's names: give it to them safely, then delete your copy.",
            err=True,
        )
