"""What left this laptop under the retention rule, and why: every purge run, newest first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ips_field.domain.words import when
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter

WHY = (
    "A closed case leaves this laptop once the office has confirmed it holds the case and "
    "every change made to it here, and the service's retention period has passed since. "
    "The office keeps the case; ask your supervisor if you need it."
)
TRIGGERS = {"import": "after an import", "unlock": "at unlock"}


class RetentionLogScreen(SessionScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Cases that left this laptop (retention)", classes="title")
        yield Static(WHY, classes="hint", markup=False)
        with VerticalScroll():
            yield Static("", id="runs", classes="body", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        from ips_field.actions.volunteer.retention import purge_log

        runs = purge_log(self.session.store)
        lines = [f"{when(r.at)}  {TRIGGERS.get(r.trigger, r.trigger)}: {r.line()}" for r in runs]
        self.query_one("#runs", Static).update(
            "\n".join(lines) or "No case has left this laptop yet."
        )
        super().on_mount()
