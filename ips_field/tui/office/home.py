"""The supervisor's home (what needs attention) and the inbox of volunteers' bundles."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as ov
from ips_field.actions.note_flags import flagged_notes
from ips_field.actions.office.protection import attention as dp_attention
from ips_field.actions.office.revocation import needs_decision
from ips_field.domain import due, statutory
from ips_field.domain.records import Case, Consent, Evaluation, KeyDate
from ips_field.domain.shown import shown
from ips_field.domain.words import count
from ips_field.errors import IpsError
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.inbox import InboxScreen, inbox_folder
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table
from sync.merge import open_conflicts
from sync.reviews import flag_reviews


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
        yield KeysFooter()

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
        from ips_field.tui.office.cases import OfficeCasesScreen
        from ips_field.tui.office.conflicts import ConflictsScreen
        from ips_field.tui.office.data_protection import DataProtectionScreen
        from ips_field.tui.office.decisions import DecisionsScreen
        from ips_field.tui.office.evaluations import EvaluationsScreen
        from ips_field.tui.office.oversight import OversightScreen
        from ips_field.tui.office.reports import ReportsScreen
        from ips_field.tui.office.volunteers import VolunteersScreen

        screens = {
            "inbox": InboxScreen,
            "volunteers": VolunteersScreen,
            "cases": OfficeCasesScreen,
            "conflicts": ConflictsScreen,
            "oversight": OversightScreen,
            "evaluations": EvaluationsScreen,
            "reports": ReportsScreen,
            "protection": DataProtectionScreen,
            "decisions": DecisionsScreen,
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
