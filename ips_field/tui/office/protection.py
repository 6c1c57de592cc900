"""Data protection: the retention schedule, erasure stubs and the tamper-evident audit log.

Subject access export and erasure of one family are on that family's case (keys s and x),
where the supervisor can see what they are about to export or erase.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.table import Table
from sync import audit
from sync import oversight as ov


class DataProtectionScreen(OfficeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("t", "retention", "Retention period", id="retention"),
        Binding("a", "audit_log", "Audit log", id="audit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Data protection", classes="title")
        yield Static("", id="retention-rule", classes="hint", markup=False)
        yield Static(
            "Closed cases past the retention period (Enter opens one to review)", classes="hint"
        )
        yield Table(id="schedule", cursor_type="row", zebra_stripes=True)
        yield Static("Families erased (audit stubs: reference, date, record count)", classes="hint")
        yield Table(id="stubs", cursor_type="row")
        yield Static("", id="audit-state", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#schedule", DataTable).add_columns(
            "Case", "Closed", "Retention passed", "Volunteer"
        )
        self.query_one("#stubs", DataTable).add_columns("Case", "Erased", "Records")
        # Filled by on_screen_resume, which Textual sends on first showing too.

    def on_screen_resume(self) -> None:
        if self.office.session is None:
            return  # locking pops the screens above: nothing to show
        self.refresh_all()

    def refresh_all(self) -> None:
        s = self.session
        days = int(s.node.state.get("retention_days", ov.DEFAULT_RETENTION_DAYS))
        self.query_one("#retention-rule", Static).update(
            f"The office keeps a closed case for {days} days ({days / 365:.1f} years) after it "
            "closes, then reviews it for erasure (t changes this)."
        )
        names = s.names()
        table = self.query_one("#schedule", DataTable)
        table.clear()
        for case, passed in ov.retention_schedule(s.node, s.today()):
            table.add_row(
                case.reference,
                case.closed_on or "",
                passed.isoformat(),
                names.get(case.assigned_to, ""),
                key=case.id,
            )
        stubs = self.query_one("#stubs", DataTable)
        stubs.clear()
        for stub in sorted(s.store.table("erasure_stub").all(), key=lambda x: x["erased_at"]):
            stubs.add_row(stub.get("reference", ""), stub["erased_at"][:10], str(stub["records"]))
        check = audit.verify(s.node)
        state = "intact" if check.ok else f"BROKEN: {check.problem}"
        self.query_one("#audit-state", Static).update(
            f"Audit log: {check.entries} entries, chain {state} (a shows it)"
        )

    @on(DataTable.RowSelected, "#schedule")
    def _open(self, event: DataTable.RowSelected) -> None:
        from ips_field.tui.office.cases import CaseReviewScreen

        self.app.push_screen(CaseReviewScreen(str(event.row_key.value)))

    def action_retention(self) -> None:
        s = self.session

        def chosen(value: str | None) -> None:
            if value is None:
                return
            if not value.strip().isdigit() or not 30 <= int(value) <= 36_500:
                self.notify("Give a whole number of days, from 30 to 36500", severity="error")
                return
            s.node.save_state(retention_days=int(value))
            self.refresh_all()

        current = s.node.state.get("retention_days", ov.DEFAULT_RETENTION_DAYS)
        self.app.push_screen(
            AskDialog("Days to keep a closed case before review", value=str(current)), chosen
        )

    def action_audit_log(self) -> None:
        self.app.push_screen(AuditScreen())


class AuditScreen(OfficeScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Audit log (newest first)", classes="title")
        yield Static("", id="verdict", markup=False)
        yield Table(id="log", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        s = self.session
        check = audit.verify(s.node)
        self.query_one("#verdict", Static).update(
            f"{check.entries} entries; the hash chain and its signed head "
            + ("verify." if check.ok else f"do NOT verify: {check.problem}")
        )
        table = self.query_one("#log", DataTable)
        table.add_columns("#", "When", "Action", "Detail")
        for entry in reversed(audit.entries(s.node)):
            table.add_row(
                str(entry["n"]),
                entry["at"][:19].replace("T", " "),
                entry["action"],
                entry["detail"],
            )
