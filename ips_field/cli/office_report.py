"""``ips-office report``: the monthly or annual report from the command line (a contract).

    ips-office report --from DATE --to DATE --format md|csv|docx|pdf --out FILE [--store PATH]

md, docx and pdf are the document (service name, period, every figure beside the same
period a year earlier, charts in docx and pdf, anonymised comments); csv is the figures with
a column for the year earlier.

The report holds figures and volunteers' names, never a family's; it is still written
as a new file readable by its owner only (atomically, never over an existing file), the
command says on stderr that it left the encrypted record, and the audit log records the
export. Every error, a missing or bad option included, is one line, exit 1, and nothing is
written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

FORMATS = ("md", "csv", "docx", "pdf")


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{flag} needs a date like 2026-11-01, not {value!r}") from None


def _checked(
    start: str | None, end: str | None, fmt: str | None, out: Path | None
) -> tuple[dt.date, dt.date, str, Path]:
    """The options, checked here rather than by click so that each problem is one line."""
    if start is None or end is None or fmt is None or out is None:
        flags = {"--from": start, "--to": end, "--format": fmt, "--out": out}
        missing = [flag for flag, value in flags.items() if value is None]
        verb = "is" if len(missing) == 1 else "are"
        raise click.ClickException(
            f"{', '.join(missing)} {verb} needed (see ips-office report --help)"
        )
    first, last = _date(start, "--from"), _date(end, "--to")
    if first > last:
        raise click.ClickException("--from is after --to")
    if fmt not in FORMATS:
        raise click.ClickException(f"--format is md, csv, docx or pdf, not {fmt!r}")
    if out.is_dir():
        raise click.ClickException(f"{out} is a folder; --out needs a file name")
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose another file")
    if not out.parent.is_dir():
        raise click.ClickException(f"the folder {out.parent} does not exist")
    return first, last, fmt, out


def register(main: click.Group) -> None:
    from ips_field.cli.common import one_line_errors
    from ips_field.cli.office import PROG, office_store_option, open_node

    @main.command()
    @click.option("--from", "start", metavar="DATE", help="First day, YYYY-MM-DD (required).")
    @click.option("--to", "end", metavar="DATE", help="Last day, YYYY-MM-DD, included (required).")
    @click.option(
        "--format", "fmt", metavar="md|csv|docx|pdf", help="md, csv, docx or pdf (required)."
    )
    @click.option(
        "--out",
        "out",
        metavar="FILE",
        type=click.Path(path_type=Path),
        help="A new file to write (required; never overwritten).",
    )
    @office_store_option
    @one_line_errors(PROG)
    def report(
        start: str | None,
        end: str | None,
        fmt: str | None,
        out: Path | None,
        store_path: Path | None,
    ) -> None:
        """Write the report for a period: cases, meetings, hours, CPD, supervision,
        evaluations and impartiality, signposting, conflicts of interest."""
        from ips_field.actions.office.documents import write_report
        from ips_field.store.files import shared_folder_warning

        first, last, fmt, out = _checked(start, end, fmt, out)
        node = open_node(store_path)
        try:
            write_report(node, first, last, fmt, out)
        finally:
            node.store.close()
        click.echo(
            f"Report written to {out}. It is outside the encrypted record: figures and "
            "volunteers' names, no family's." + shared_folder_warning(out),
            err=True,
        )
