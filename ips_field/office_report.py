"""``ips-office report``: the monthly or annual report from the command line (a contract).

    ips-office report --from DATE --to DATE --format md|csv --out FILE [--store PATH]

The report holds figures and volunteers' names, never a family's; it is still written
as a new file readable by its owner only, and the command says that it left the
encrypted record. Every error is one line, exit 1, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{flag} needs a date like 2026-11-01, not {value!r}") from None


def register(main: click.Group) -> None:
    from ips_field.cli_common import one_line_errors
    from ips_field.office_cli import PROG, office_store_option, open_node

    @main.command()
    @click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
    @click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD (included).")
    @click.option(
        "--format", "fmt", required=True, type=click.Choice(["md", "csv"]), help="md or csv."
    )
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @office_store_option
    @one_line_errors(PROG)
    def report(start: str, end: str, fmt: str, out: Path, store_path: Path | None) -> None:
        """Write the report for a period: cases, meetings, hours, CPD, supervision,
        evaluations and impartiality, signposting, conflicts of interest."""
        from ips_field.services.reports import build_report, to_csv, to_markdown
        from ips_field.store.files import write_new_file
        from ips_field.templates import load_templates
        from sync import audit

        first, last = _date(start, "--from"), _date(end, "--to")
        if first > last:
            raise click.ClickException("--from is after --to")
        if out.exists():
            raise click.ClickException(f"{out} already exists; choose another file")
        if not out.parent.is_dir():
            raise click.ClickException(f"the folder {out.parent} does not exist")
        node = open_node(store_path)
        try:
            templates = load_templates()[0]
            profile = templates.profile(node.state.get("profile", "generic"))
            roster = node.roster
            from sync.office import volunteer_name

            names = {v: volunteer_name(node, v) for v in (roster.volunteers if roster else {})}
            kind = "annual" if (last - first).days > 62 else "monthly"
            result = build_report(
                node.repo,
                first,
                last,
                names=names,
                kind=kind,
                supervision_interval_days=profile.supervision_interval_days,
                meeting_types={k: t.name for k, t in templates.meeting_types.items()},
            )
            text = to_markdown(result) if fmt == "md" else to_csv(result)
            write_new_file(out, text)
            audit.append(node, "report", f"{first}..{last} {fmt} exported")
        finally:
            node.store.close()
        click.echo(
            f"Report written to {out}. It is outside the encrypted record: figures and "
            "volunteers' names, no family's.",
            err=True,
        )
