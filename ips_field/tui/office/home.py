"""The supervisor's home (what needs attention) and the inbox of volunteers' bundles."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from ips_field.actions.office.protection import attention as dp_attention
from ips_field.actions.office.revocation import needs_decision
from ips_field.domain import due, statutory
from ips_field.domain.records import Case, Consent, Evaluation, KeyDate
from ips_field.domain.shown import shown
from ips_field.domain.words import count, when
from ips_field.errors import IpsError
from ips_field.services.impartiality import flagged_notes
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.session import OfficeSession
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.table import Table
from sync import oversight as ov
from sync.merge import open_conflicts
from sync.reviews import flag_reviews

WATCH_SECONDS = 3.0


def inbox_folder(session: OfficeSession) -> Path | None:
    folder = session.node.state.get("inbox")
    return Path(folder) if folder else None


class HomeScreen(OfficeScreen):
    """What needs a supervisor today, and the way to each part of the office."""

    BINDINGS = [
        Binding("i", "open('inbox')", "Inbox", id="inbox"),
        Binding("v", "open('volunteers')", "Volunteers", id="volunteers"),
        Binding("c", "open('cases')", "Cases", id="cases"),
        Binding("k", "open('conflicts')", "Conflicts", id="conflicts"),
        Binding("o", "open('oversight')", "CPD & supervision", id="oversight"),
        Binding("e", "open('evaluations')", "Evaluations", id="evaluations"),
        Binding("r", "open('reports')", "Reports", id="reports"),
        Binding("d", "open('protection')", "Data protection", id="protection"),
        Binding("x", "export", "Export bundles", id="export"),
        Binding("n", "open('decisions')", "Cases needing a decision", id="decisions"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="greeting", classes="title", markup=False)
        yield Table(id="attention", cursor_type="row", zebra_stripes=True)
        yield Static("Statutory dates missed on open cases", classes="hint", id="missed-title")
        yield Table(id="statutory-missed", cursor_type="row", zebra_stripes=True)
        yield Static(
            "i inbox · v volunteers · c cases · k conflicts · o CPD & supervision · "
            "e evaluations · r reports · d data protection · x export bundles · "
            "n cases needing a decision",
            classes="hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#attention", DataTable).add_columns("Needs attention", "How many", "Key")
        self.query_one("#statutory-missed", DataTable).add_columns("Case", "Due by", "Missed")
        # Filled by on_screen_resume, which Textual sends on first showing too.

    def on_screen_resume(self) -> None:
        if self.office.session is None:
            return  # locking pops the screens above: nothing to show
        self.refresh_home()

    def refresh_home(self) -> None:
        s = self.session
        today = s.today()
        folder = inbox_folder(s)
        waiting = len(ov.inbox_files(folder)) if folder else 0
        refused = len(ov.quarantined(folder)) if folder else 0
        people = ov.oversight(
            s.node,
            today,
            supervision_interval_days=s.profile.supervision_interval_days,
            refreshers=s.profile.cpd_refreshers,
        )
        timelines = s.templates.timelines
        missed = statutory.missed(s.repo.all(Case), s.repo.all(KeyDate), timelines, today)
        evaluations = due.evaluations_due(
            s.repo.all(Case),
            s.repo.all(Consent),
            s.repo.all(Evaluation),
            today,
            midway_evaluation_days=s.profile.midway_evaluation_days,
        )
        reviewed = flag_reviews(s.store)
        rows = [
            ("Bundles waiting in the inbox", waiting, "i"),
            ("Bundles refused (quarantine)", refused, "i"),
            ("Sync conflicts to decide", len(open_conflicts(s.repo)), "k"),
            (
                "Notes flagged by the neutral-language check, not reviewed",
                len([n for n in flagged_notes(s.repo) if n.id not in reviewed]),
                "c",
            ),
            (
                "Volunteers due or overdue for supervision",
                sum(p.supervision_overdue for p in people),
                "o",
            ),
            (
                "Volunteers with CPD refreshers due",
                sum(bool(p.refreshers_due) for p in people),
                "o",
            ),
            ("Coaching follow-ups open", sum(p.open_follow_ups for p in people), "o"),
            ("Evaluations to send", len(evaluations), "e"),
            ("Evaluation forms sent, not returned (chase)", len(ov.unreturned(s.node, today)), "e"),
            ("Statutory dates missed (LA, school or service late)", len(missed), "c"),
            (
                "Data-protection requests due within a week or overdue",
                len(dp_attention(s.node, today)),
                "d",
            ),
            (
                "Closed cases past retention (review)",
                len(ov.retention_schedule(s.node, today)),
                "d",
            ),
            ("Cases needing a decision (volunteer revoked)", len(needs_decision(s.node)), "n"),
        ]
        cases = s.repo.all(Case)
        self.query_one("#greeting", Static).update(
            f"{s.profile.name} office. {sum(c.status == 'open' for c in cases)} open cases, "
            f"{count(len(people), 'active volunteer')}. Today is {today:%A %d %B %Y}."
        )
        table = self.query_one("#attention", DataTable)
        table.clear()
        for label, many, key in rows:
            table.add_row(label, str(many), key, key=key + label)
        refs = {c.id: c.reference for c in cases}
        late = self.query_one("#statutory-missed", DataTable)
        late.clear()
        for item in missed:
            m = item.item.milestone
            title = statutory.title(item.item, timelines)
            late.add_row(refs.get(item.case_id, ""), f"{m.date:%d %b %Y}", title, key=None)

    @on(DataTable.RowSelected, "#attention")
    def _go(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)[0]
        names = {
            "i": "inbox",
            "k": "conflicts",
            "c": "cases",
            "o": "oversight",
            "e": "evaluations",
            "d": "protection",
            "n": "decisions",
        }
        self.action_open(names[key])

    def action_open(self, name: str) -> None:
        from ips_field.tui.office import cases, decisions, people, protection, reports

        screens = {
            "inbox": InboxScreen,
            "volunteers": people.VolunteersScreen,
            "cases": cases.OfficeCasesScreen,
            "conflicts": cases.ConflictsScreen,
            "oversight": people.OversightScreen,
            "evaluations": reports.EvaluationsScreen,
            "reports": reports.ReportsScreen,
            "protection": protection.DataProtectionScreen,
            "decisions": decisions.DecisionsScreen,
        }
        self.app.push_screen(screens[name]())

    def action_export(self) -> None:
        folder = inbox_folder(self.session)
        default = str((folder.parent if folder else Path.home()) / "to-volunteers")

        def chosen(value: str | None) -> None:
            if not value:
                return
            from sync.inbox import export_files

            try:
                lines = export_files(self.session.node, Path(value).expanduser())
            except (IpsError, OSError) as err:
                self.notify(f"Nothing exported: {shown(err)}", severity="error")
                return
            self.notify("\n".join(lines), timeout=10)

        self.app.push_screen(
            AskDialog(
                "Folder for the volunteers' bundles (USB stick or shared folder)", value=default
            ),
            chosen,
        )


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
        yield Footer()

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
                when(peer.get("last_received_at", "")),
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


__all__ = ["HomeScreen", "InboxScreen"]
