"""Referral intake: a new case opened at the office (``ctrl+n`` on the cases screen).

The screen gathers the referral and shows the conflict check for the volunteer chosen as
it changes; saving calls :func:`ips_field.actions.office.intake.open_referral`, the same
function as ``ips-office intake`` (the case, family, child, service reference, assignment
and audit entries in one write, or nothing). A field's problem is shown under it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static

from ips_field.actions.office.assignment import blocked_message, warned_message
from ips_field.actions.office.intake import FIELDS, Referral, check_for, open_referral
from ips_field.domain.shown import shown
from ips_field.domain.vocabulary import REFERRAL_SOURCES
from ips_field.errors import IpsError, ValidationError
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.widgets.footer import KeysFooter

TEXT_FIELDS = [(name, label) for name, label in FIELDS if name != "source"]


class IntakeScreen(OfficeScreen):
    """A new referral: family, child, school or setting, area, source and reason."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Open the case", id="save"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("New referral (ctrl+s opens the case)", classes="title")
        with VerticalScroll(classes="form", id="intake-form"):
            yield Label("Referred by (counted in the reports, never named)")
            yield Select(
                [(label, key) for key, label in REFERRAL_SOURCES.items()],
                prompt="Choose the referral source",
                id="source",
            )
            yield Static("", id="err-source", classes="field-error", markup=False)
            for name, label in TEXT_FIELDS:
                yield Label(label)
                yield Input(select_on_focus=False, id=name)
                yield Static("", id=f"err-{name}", classes="field-error", markup=False)
            yield Label("Assign to (optional: through the conflict check)")
            yield Select([], prompt="Leave unassigned for now", id="volunteer")
            yield Static("", id="check", classes="hint", markup=False)
            yield Label("Reason for going ahead (needed when the check warns)")
            yield Input(id="override")
            yield Static("", id="err-volunteer", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Open the case", id="save", variant="primary")
                yield Button("Cancel", id="cancel-button")
        yield KeysFooter()

    def on_mount(self) -> None:
        roster = self.session.node.roster
        names = self.session.names()
        active = {v for v, e in roster.volunteers.items() if e.active} if roster else set()
        self.query_one("#volunteer", Select).set_options(
            [(shown(name), vid) for vid, name in names.items() if vid in active]
        )
        self.query_one("#received_on", Input).value = self.session.today().isoformat()
        self.query_one("#source", Select).focus()

    def referral(self) -> Referral:
        source = self.query_one("#source", Select)
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name, _ in TEXT_FIELDS}
        return Referral(**values, source="" if source.is_blank() else str(source.value))

    def volunteer(self) -> str:
        chosen = self.query_one("#volunteer", Select)
        return "" if chosen.is_blank() else str(chosen.value)

    @on(Select.Changed, "#volunteer")
    @on(Input.Changed, "#school, #area, #parent_name, #child_name")
    def show_check(self) -> None:
        """What the conflict check says for the volunteer chosen, as the referral stands."""
        line = self.query_one("#check", Static)
        vid = self.volunteer()
        if not vid:
            line.update("")
            line.remove_class("blocked", "warned")
            return
        result = check_for(self.session.node, vid, self.referral())
        line.set_class(result.outcome == "block", "blocked")
        line.set_class(result.outcome == "warn", "warned")
        if result.outcome == "block":
            line.update(shown(blocked_message(result)))
        elif result.outcome == "warn":
            line.update(shown(warned_message(result)))
        else:
            line.update("The conflict check finds no declared interest touching this case.")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel-button")
    def _cancel(self) -> None:
        self.app.pop_screen()

    def action_save(self) -> None:
        for name in [*(n for n, _ in TEXT_FIELDS), "source", "volunteer"]:
            self.query_one(f"#err-{name}", Static).update("")
        s = self.session
        vid = self.volunteer()
        try:
            opened = open_referral(
                s.node,
                self.referral(),
                volunteer_id=vid,
                reason=self.query_one("#override", Input).value,
            )
        except ValidationError as err:
            known = {n for n, _ in TEXT_FIELDS} | {"source"}
            for key, message in err.errors.items():
                target = key if key in known else "volunteer"
                self.query_one(f"#err-{target}", Static).update(shown(message))
            first = next(iter(err.errors))
            if first in known:
                self.query_one(f"#{first}").focus()
            self.notify(f"{len(err.errors)} thing(s) need attention", severity="warning")
            return
        except IpsError as err:
            self.notify(shown(f"Nothing was written: {err}"), severity="error", markup=False)
            return
        who = s.names().get(vid, "") if vid else ""
        line = f"Opened {opened.case.reference}" + (
            f", assigned to {who}: it reaches them with the next export" if who else ""
        )
        self.app.pop_screen()
        self.app.notify(shown(line), markup=False)
