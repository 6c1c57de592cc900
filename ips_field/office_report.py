"""``ips-office report``: the monthly or annual report from the command line (a contract).

    ips-office report --from DATE --to DATE --format md|csv --out FILE [--store PATH]

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

FORMATS = ("md", "csv")


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
        raise click.ClickException(f"--format is md or csv, not {fmt!r}")
    if out.is_dir():
        raise click.ClickException(f"{out} is a folder; --out needs a file name")
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose another file")
    if not out.parent.is_dir():
        raise click.ClickException(f"the folder {out.parent} does not exist")
    return first, last, fmt, out


def register(main: click.Group) -> None:
    from ips_field.cli_common import one_line_errors
    from ips_field.office_cli import PROG, office_store_option, open_node

    @main.command()
    @click.option("--from", "start", metavar="DATE", help="First day, YYYY-MM-DD (required).")
    @click.option("--to", "end", metavar="DATE", help="Last day, YYYY-MM-DD, included (required).")
    @click.option("--format", "fmt", metavar="md|csv", help="md or csv (required).")
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
        from ips_field.services.reports import build_report, to_csv, to_markdown
        from ips_field.store.files import shared_folder_warning, write_new_file
        from ips_field.templates import load_templates
        from sync import audit

        first, last, fmt, out = _checked(start, end, fmt, out)
        node = open_node(store_path)
        try:
            templates = load_templates()[0]
            profile = templates.profile(node.state.get("profile", "generic"))
            roster = node.roster
            from sync.office import volunteer_name

            entries = roster.volunteers if roster else {}
            names = {v: volunteer_name(node, v) for v in entries}
            serving = {v: (e.enrolled_on, e.revoked_on) for v, e in entries.items()}
            kind = "annual" if (last - first).days > 62 else "monthly"
            result = build_report(
                node.repo,
                first,
                last,
                names=names,
                kind=kind,
                supervision_interval_days=profile.supervision_interval_days,
                meeting_types={k: t.name for k, t in templates.meeting_types.items()},
                serving=serving,
            )
            text = to_markdown(result) if fmt == "md" else to_csv(result)
            write_new_file(out, text)
            audit.append(node, "report", f"{first}..{last} {fmt} exported")
        finally:
            node.store.close()
        click.echo(
            f"Report written to {out}. It is outside the encrypted record: figures and "
            "volunteers' names, no family's." + shared_folder_warning(out),
            err=True,
        )
