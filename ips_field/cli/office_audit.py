"""``ips-office audit head|verify``: the audit log's head, and a check against anchors.

    ips-office audit head [--store PATH]
    ips-office audit verify [--against N:HASH ...] [--store PATH]

``verify`` walks the hash chain and its signed head; each ``--against`` is a head anchored
outside the master record (printed on a report, or ``ips-field sync audit-heads`` on a
volunteer's laptop) and is reported as still in the log, or not. Exit 0 when everything
holds, 1 otherwise; one line per check, never an entry's detail.
"""

from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group) -> None:
    from ips_field.cli.common import one_line_errors
    from ips_field.cli.office import PROG, office_store_option, open_node

    @main.group("audit")
    def audit_group() -> None:
        """The tamper-evident audit log: its head, and checks against anchored heads."""

    @audit_group.command("head")
    @office_store_option
    @one_line_errors(PROG)
    def head(store_path: Path | None) -> None:
        """Print the log's head (N:HASH) to keep somewhere the master record cannot reach."""
        from sync import audit

        node = open_node(store_path)
        try:
            click.echo(audit.anchor_text(audit.head(node)))
        finally:
            node.store.close()

    @audit_group.command("verify")
    @click.option(
        "--against",
        "anchors",
        multiple=True,
        metavar="N:HASH",
        help="An anchored head (from a report or a laptop); may be given more than once.",
    )
    @office_store_option
    @one_line_errors(PROG)
    def verify(anchors: tuple[str, ...], store_path: Path | None) -> None:
        """Check the chain and its signed head, and that each anchored head is still in it."""
        from sync import audit

        for anchor in anchors:
            try:
                audit.parse_anchor(anchor)
            except ValueError as err:
                raise click.ClickException(str(err)) from None
        node = open_node(store_path)
        try:
            chain = audit.verify(node)
            results = [audit.check_anchor(node, a) for a in anchors]
            now = audit.anchor_text(audit.head(node))
        finally:
            node.store.close()
        if chain.ok:
            click.echo(f"chain: {chain.entries} entries, intact; head {now}")
        else:
            click.echo(f"chain: BROKEN: {chain.problem}")
        for anchor, result in zip(anchors, results, strict=True):
            verdict = "holds" if result.ok else "FAILS"
            click.echo(f"against {anchor.strip()[:40]}: {verdict}: {result.line}")
        if not chain.ok or not all(r.ok for r in results):
            raise SystemExit(1)
