"""The inbox: bundles previewed before anything is applied, imported one by one or all."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as ov
from ips_field.domain.shown import shown
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.cells import uk_when
from ips_field.tui.office.session import OfficeSession
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table

WATCH_SECONDS = 3.0


def inbox_folder(session: OfficeSession) -> Path | None:
    folder = session.node.state.get("inbox")
    return Path(folder) if folder else None


class InboxScreen(OfficeScreen):
    """Watch a folder; preview each bundle before applying it; quarantine with reasons."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("enter", "apply", "Import selected", id="apply"),
        Binding("a", "apply_all", "Import all", id="apply_all"),
        Binding("f", "folder", "Folder", id="folder"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Inbox: bundles from volunteers", classes="title")
        with Horizontal(id="inbox-folder"):
            yield Static("Folder:", classes="hint")
            yield Static("", id="folder", markup=False)
        yield Static(
            "Waiting: a preview, nothing is applied until you import (Enter: the highlighted one)",
            classes="hint",
        )
        yield Table(id="waiting", cursor_type="row", zebra_stripes=True)
        yield Static("Refused (quarantine)", classes="hint")
        yield Table(id="quarantine", cursor_type="row")
        yield Static("Last bundle from each volunteer", classes="hint")
        yield Table(id="history", cursor_type="row")
        yield KeysFooter()

    def on_mount(self) -> None:
        waiting = self.query_one("#waiting", DataTable)
        # Fixed widths: rows arrive from a worker, and auto widths redrawn a frame late
        # left the header narrower than the rows (seen in the inbox snapshot).
        waiting.add_column("What it holds", width=70)
        waiting.add_column("File", width=40)
        self.query_one("#quarantine", DataTable).add_columns("File", "Reason")
        self.query_one("#history", DataTable).add_columns("Volunteer", "Last received", "Bundles")
        self.refresh_inbox()
        self.set_interval(WATCH_SECONDS, self._watch)

    def _watch(self) -> None:
        """New files appear without a key press (a shared folder or a stick put in)."""
        if self.office.session is None:
            return
        folder = inbox_folder(self.session)
        names = [p.name for p in ov.inbox_files(folder)] if folder else []
        if names != getattr(self, "_names", None):
            self.refresh_inbox()

    def refresh_inbox(self) -> None:
        """Folder, history now; previews (they decrypt each file) in a worker thread."""
        s = self.session
        folder = inbox_folder(s)
        self.query_one("#folder", Static).update(shown(folder) if folder else "(none: press f)")
        history = self.query_one("#history", DataTable)
        history.clear()
        for vid, name in s.names().items():
            peer = s.node.peer(vid)
            history.add_row(
                shown(name),
                uk_when(peer.get("last_received_at", "")) or "never",
                str(peer.get("bundles_received", 0)),
            )
        self._names = [p.name for p in ov.inbox_files(folder)] if folder else []
        self._load_previews(folder)

    @work(thread=True, exit_on_error=False, exclusive=True, group="inbox-preview")
    def _load_previews(self, folder: Path | None) -> None:
        rows: list[tuple[str, str, str]] = []
        others = 0
        refused: list[tuple[str, str]] = []
        try:
            node = self.session.node
            for path in ov.inbox_files(folder) if folder else []:
                preview = ov.preview_bundle(node, path)
                if preview.elsewhere:
                    others += 1
                    continue
                rows.append((shown(preview.summary), shown(path.name), str(path)))
            refused = [(shown(n), shown(r)) for n, r in ov.quarantined(folder)]
        except Exception as err:
            from ips_field.crash import report_crash

            self.app.call_from_thread(self.notify, report_crash("inbox preview", err))
        self.app.call_from_thread(self._show_previews, rows, others, refused)

    def _show_previews(
        self, rows: list[tuple[str, str, str]], others: int, refused: list[tuple[str, str]]
    ) -> None:
        waiting = self.query_one("#waiting", DataTable)
        waiting.clear()
        for summary, name, key in rows:
            waiting.add_row(summary, name, key=key)
        if others:
            waiting.add_row(f"{others} for others, left alone", "", key="others")
        table = self.query_one("#quarantine", DataTable)
        table.clear()
        for name, reason in refused:
            table.add_row(name, reason)

    def _import(self, paths: list[Path]) -> None:
        folder = inbox_folder(self.session)
        if folder is None or not paths:
            self.notify("Nothing to import")
            return
        self.notify("Importing...", timeout=2)
        self._run_import(paths, folder)

    @work(thread=True, exit_on_error=False, exclusive=True, group="inbox-import")
    def _run_import(self, paths: list[Path], folder: Path) -> None:
        """THE import action (sync.inbox), off the UI thread; nothing escapes it."""
        from sync.inbox import import_paths

        try:
            report = import_paths(self.session.node, paths, quarantine=folder / "quarantine")
            text = "\n".join(report.all_lines())
        except Exception as err:
            from ips_field.crash import report_crash

            text = report_crash("import", err)
        self.app.call_from_thread(self._imported, text)

    def _imported(self, text: str) -> None:
        self.refresh_inbox()
        self.notify(text, timeout=10)

    @on(DataTable.RowSelected, "#waiting")
    def _selected(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        table = self.query_one("#waiting", DataTable)
        if table.row_count == 0:
            self.notify("No bundles waiting")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == "others":
            self.notify("Those bundles are sealed for other computers: they stay in the folder")
            return
        self._import([Path(str(key))])

    def action_apply_all(self) -> None:
        folder = inbox_folder(self.session)
        self._import(ov.inbox_files(folder) if folder else [])

    def action_folder(self) -> None:
        current = inbox_folder(self.session)

        def chosen(value: str | None) -> None:
            if not value:
                return
            path = Path(value).expanduser()
            if not path.is_dir():
                self.notify(f"{path} is not a folder", severity="error")
                return
            self.session.node.save_state(inbox=str(path))
            self.refresh_inbox()

        self.app.push_screen(
            AskDialog("Folder to watch for bundles", value=str(current or "")), chosen
        )
