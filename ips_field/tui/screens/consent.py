"""Record or renew consent for one purpose (typed dialog returning the new Consent).

What is typed is kept as a draft (``tui/drafts.py``); Esc with unsaved text asks first.
With ``save`` the consent is written before the dialog closes, so that a refusal shows
in the dialog and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ips_field.domain.records import Consent
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.domain.vocabulary import (
    CONSENT_HOW,
    CONSENT_PURPOSES,
    CONSENT_WORDING,
    RETIRED_PURPOSES,
)
from ips_field.errors import ValidationError
from ips_field.tui.drafts import DialogDraftsMixin
from ips_field.tui.widgets.scrolling import SETTLED, top_if_it_fits

# How consent was given, in words (the stored values are CONSENT_HOW).
HOW_WORDS = {
    "verbal": "Said so in person",
    "written": "In writing (signed)",
    "email": "By email",
    "phone": "On the phone",
    "text message": "By text message",
}


def how_given_words(how: str) -> str:
    return HOW_WORDS.get(how, how)


class ConsentDialog(DialogDraftsMixin, ModalScreen[Consent | None]):
    BINDINGS = [
        Binding("escape", "leave_form", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    DRAFT_FIELDS = ("named_party", "given_by", "given_on", "expires_on")
    DRAFT_LABEL = "a consent"
    AUTO_FOCUS = None  # on_mount focuses the purpose, without scrolling past it

    def __init__(
        self,
        case_id: str,
        today: str,
        *,
        purpose: str = "record",
        given_by: str = "",
        save: Callable[[Consent], object] | None = None,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.today = today
        self.purpose = purpose
        self.given_by = given_by
        self.writer = save
        self.dialog_draft_key = case_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Static("Record consent (ctrl+s saves)", classes="title")
            yield Label("Purpose")
            yield Select(
                [
                    (label, key)
                    for key, label in CONSENT_PURPOSES.items()
                    if key not in RETIRED_PURPOSES
                ],
                value=self.purpose if self.purpose not in RETIRED_PURPOSES else "record",
                allow_blank=False,
                id="purpose",
            )
            yield Static("", id="wording", classes="hint", markup=False)
            yield Label("Named party (only for sharing with a named party)")
            yield Input(select_on_focus=False, id="named_party")
            yield Label("Given by")
            yield Input(select_on_focus=False, value=self.given_by, id="given_by")
            yield Label(f"Given on ({HINT})")
            yield Input(select_on_focus=False, value=show_date(self.today), id="given_on")
            yield Label("How given")
            yield Select(
                [(how_given_words(h), h) for h in CONSENT_HOW],
                value="verbal",
                allow_blank=False,
                id="how",
            )
            yield Label(f"Expires on ({HINT}, optional)")
            yield Input(select_on_focus=False, id="expires_on")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_screen_resume(self) -> None:
        """Shown the first time: from the top when the focused box shows there."""
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.set_timer(
                SETTLED, partial(top_if_it_fits, self.query_one(VerticalScroll), self.focused)
            )

    def on_mount(self) -> None:
        self._show_wording()
        # The purpose first, with its wording: what is being consented to is the thing to
        # read (the boxes below are filled in; at 80x24 focusing them hid the purpose).
        box = self.query_one("#purpose", Select)
        box.focus()

    @on(Select.Changed, "#purpose")
    def _show_wording(self) -> None:
        purpose = str(self.query_one("#purpose", Select).value)
        wording = CONSENT_WORDING.get(purpose, "")
        self.query_one("#wording", Static).update(f"Read out: {wording}" if wording else "")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        def val(wid: str) -> str:
            return self.query_one(f"#{wid}", Input).value.strip()

        consent = Consent(
            case_id=self.case_id,
            purpose=str(self.query_one("#purpose", Select).value),
            named_party=val("named_party"),
            given_by=val("given_by"),
            given_on=to_iso(val("given_on")),
            how_given=str(self.query_one("#how", Select).value),
            expires_on=to_iso(val("expires_on")) or None,
        )
        try:
            consent.validate()
            if self.writer is not None:
                self.writer(consent)
        except ValidationError as err:
            self.query_one("#problem", Static).update(
                "\n".join(f"{k.replace('_', ' ')}: {v}" for k, v in err.errors.items())
            )
            return
        self.finish(consent)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()
