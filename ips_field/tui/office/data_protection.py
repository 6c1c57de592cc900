"""Data protection: the request log with its due dates, the retention schedule, erasure
stubs and the tamper-evident audit log.

Subject access export and erasure of one family are on that family's case (keys s and x),
where the supervisor can see what they are about to export or erase. Every change here is
an action of ``ips_field.actions.office.protection`` (the same as ``ips-office requests``).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as ov
from ips_field.actions.office import protection as dp
from ips_field.domain.calendar import parse_user_date
from ips_field.domain.dates import uk_date
from ips_field.domain.dp_requests import KINDS
from ips_field.domain.ukdates import show_date
from ips_field.errors import IpsError, ValidationError
from ips_field.tui.office.audit_log import AuditScreen
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table
from sync import audit


class DataProtectionScreen(OfficeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "new_request", "Log request", id="new_request"),
        Binding("e", "extend_request", "Extend", id="extend_request"),
        Binding("c", "close_request", "Answered", id="close_request"),
        Binding("t", "retention", "Retention period", id="retention"),
        Binding("a", "audit_log", "Audit log", id="audit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Data protection", classes="title")
        yield Static(
            "Requests (subject access, erasure, rectification): due one month from receipt",
            classes="hint",
        )
        yield Table(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="retention-rule", classes="hint", markup=False)
        yield Static(
            "Closed cases past the retention period (Enter opens one to review)", classes="hint"
        )
        yield Table(id="schedule", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Families erased (stubs; On the laptop: erased once it acknowledges)", classes="hint"
        )
        yield Table(id="stubs", cursor_type="row")
        yield Static("", id="audit-state", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#requests", DataTable).add_columns(
            "No.", "Request", "Case", "Received", "Due", "Status"
        )
        self.query_one("#schedule", DataTable).add_columns(
            "Case", "Closed", "Retention passed", "Volunteer"
        )
        self.query_one("#stubs", DataTable).add_columns(
            "Case", "Erased", "Records", "On the laptop"
        )
        # Filled by on_screen_resume, which Textual sends on first showing too.

    def on_screen_resume(self) -> None:
        if self.office.session is None:
            return  # locking pops the screens above: nothing to show
        self.refresh_all()

    def refresh_all(self) -> None:
        s = self.session
        today = s.today()
        requests = self.query_one("#requests", DataTable)
        requests.clear()
        for r in dp.requests(s.node):
            if r.closed_on and r.closed_on < (today.replace(day=1)).isoformat():
                continue  # answered before this month: kept, listed by ips-office requests --all
            due = (r.extended_to and f"{show_date(r.extended_to)} (ext.)") or show_date(r.due_on)
            state = r.status(today)  # when answered: ips-office requests --all
            requests.add_row(
                r.id, KINDS[r.kind], r.reference, show_date(r.received_on), due, state, key=r.id
            )
        days = dp.retention_days(s.node)
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
                show_date(case.closed_on),
                show_date(passed.isoformat()),
                names.get(case.assigned_to, ""),
                key=case.id,
            )
        stubs = self.query_one("#stubs", DataTable)
        stubs.clear()
        for stub in sorted(s.store.table("erasure_stub").all(), key=lambda x: x["erased_at"]):
            stubs.add_row(
                stub.get("reference", ""),
                show_date(stub["erased_at"]),
                str(stub["records"]),
                dp.erasure_reached(s.node, stub),
            )
        check = audit.verify(s.node)
        state = "intact" if check.ok else f"BROKEN: {check.problem}"
        self.query_one("#audit-state", Static).update(
            f"Audit log: {check.entries} entries, chain {state} (a shows it)"
        )

    @on(DataTable.RowSelected, "#schedule")
    def _open(self, event: DataTable.RowSelected) -> None:
        from ips_field.tui.office.case_review import CaseReviewScreen

        self.app.push_screen(CaseReviewScreen(str(event.row_key.value)))

    def action_retention(self) -> None:
        s = self.session

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                dp.set_retention(s.node, value)
            except ValidationError as err:
                self.notify("; ".join(err.errors.values()), severity="error")
                return
            self.refresh_all()

        current = s.node.state.get("retention_days", ov.DEFAULT_RETENTION_DAYS)
        self.app.push_screen(
            AskDialog("Days to keep a closed case before review", value=str(current)), chosen
        )

    def _chosen_request(self) -> str | None:
        table = self.query_one("#requests", DataTable)
        if table.row_count == 0:
            self.notify("No request to choose", severity="warning")
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    async def _ask(self, question: str, value: str = "") -> str | None:
        return await self.app.push_screen_wait(AskDialog(question, value=value))

    @work(exit_on_error=False)
    async def action_new_request(self) -> None:
        """Log a request: its kind, the case reference, the day it was received."""
        s = self.session
        kind = await self._ask("Kind of request: subject access, erasure or rectification")
        if kind is None:
            return
        ref = await self._ask("Case reference")
        if ref is None:
            return
        received = await self._ask("Date received", value=s.today().isoformat())
        if received is None:
            return
        try:
            request = dp.log_request(s.node, kind.strip(), ref, parse_user_date(received))
        except (IpsError, ValueError) as err:
            self.notify(_line(err), severity="error")
            return
        self.notify(f"Logged {request.id}: due {uk_date(request.due_on)}")
        self.refresh_all()

    @work(exit_on_error=False)
    async def action_extend_request(self) -> None:
        """Extend the highlighted request by one or two further months, with the reason."""
        chosen = self._chosen_request()
        if chosen is None:
            return
        months = await self._ask("Extend by how many further months (1 or 2)?", value="2")
        if months is None:
            return
        reason = await self._ask("Reason (complex, or one of many); the person is told it")
        if reason is None:
            return
        notice = await self._ask(
            "Date the person was told (within the first month)",
            value=self.session.today().isoformat(),
        )
        if notice is None:
            return
        try:
            number = int(months) if months.strip().isdigit() and len(months) < 3 else 0
            request = dp.extend_request(
                self.session.node, chosen, number, reason, parse_user_date(notice)
            )
        except (IpsError, ValueError) as err:
            self.notify(_line(err), severity="error")
            return
        self.notify(f"{request.id} now due {uk_date(request.extended_to)}")
        self.refresh_all()

    @work(exit_on_error=False)
    async def action_close_request(self) -> None:
        """Mark the highlighted request answered, with what was done."""
        chosen = self._chosen_request()
        if chosen is None:
            return
        outcome = await self._ask("What was done (recorded)", value="answered")
        if outcome is None:
            return
        try:
            request = dp.close_request(self.session.node, chosen, outcome=outcome)
        except IpsError as err:
            self.notify(_line(err), severity="error")
            return
        self.notify(f"{request.id} answered {request.closed_on}")
        self.refresh_all()

    def action_audit_log(self) -> None:
        self.app.push_screen(AuditScreen())


def _line(err: Exception) -> str:
    if isinstance(err, ValidationError):
        return "; ".join(err.errors.values())
    return str(err)
