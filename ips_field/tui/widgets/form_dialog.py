"""A small typed form dialog built from field specs; returns the values or None.

What is typed in its text fields is kept as an encrypted draft (``tui/drafts.py``): Esc or
Cancel with unsaved text asks first, a lock or a quit keeps it, and the form offers it back
when it opens again for the same thing (``draft_key``: the caller says what, e.g. a case).
With ``save`` the record is written before the form closes, so that a write the rules
refuse shows its one line in the form and nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static

from ips_field.domain.shown import shown
from ips_field.errors import ValidationError
from ips_field.tui.drafts import DialogDraftsMixin
from ips_field.tui.widgets.checklist import Tick
from ips_field.tui.widgets.scrolling import SETTLED, top_if_it_fits


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, password, select, multi, bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = ""


class FormDialog(DialogDraftsMixin, ModalScreen[dict[str, Any] | None]):
    """Ask for several values; ``check`` may raise ValidationError to show field messages;
    ``save`` (optional) writes the record and may raise it too."""

    BINDINGS = [
        Binding("escape", "leave_form", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    DRAFT_LABEL = "a form"

    def __init__(
        self,
        title: str,
        fields: list[Field],
        check: Any = None,
        *,
        save: Any = None,
        draft_key: str = "",
        focus: str = "",
    ) -> None:
        super().__init__()
        self.focus_field = focus  # a field to start on instead of the first empty text box
        self.title_text = title
        self.fields = fields
        self.check = check
        self.writer = save
        self.dialog_draft_key = f"{title}:{draft_key}"
        self.DRAFT_FIELDS = tuple(f"f-{f.name}" for f in fields if f.kind == "text")
        first = self._first_box()
        # Focused from the first moment (a ClassVar in Textual, so set per form), so that
        # keys typed as the form opens never land in a choice above the box.
        setattr(self, "AUTO_FOCUS", f"#f-{first.name}" if first else None)  # noqa: B010

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Static(shown(f"{self.title_text} (ctrl+s saves)"), classes="title", markup=False)
            for f in self.fields:
                if f.kind == "bool":
                    yield Tick(f.label, bool(f.value), id=f"f-{f.name}")
                    continue
                yield Label(f.label)
                if f.kind == "select":
                    yield Select(
                        [(shown(label), key) for label, key in f.choices],
                        value=f.value or f.choices[0][1],
                        allow_blank=False,
                        id=f"f-{f.name}",
                    )
                elif f.kind == "multi":
                    yield SelectionList[str](
                        *[(shown(label), key, key in (f.value or [])) for label, key in f.choices],
                        id=f"f-{f.name}",
                    )
                else:
                    yield Input(
                        select_on_focus=False,
                        value=str(f.value or ""),
                        password=f.kind == "password",
                        id=f"f-{f.name}",
                    )
                yield Static("", id=f"e-{f.name}", classes="field-error", markup=False)
            yield Static("", id="e-form", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _first_box(self) -> Field | None:
        chosen = [f for f in self.fields if f.name == self.focus_field]
        if chosen:
            return chosen[0]
        texts = [f for f in self.fields if f.kind in ("text", "password")]
        return next((f for f in texts if not f.value), texts[0] if texts else None)

    def on_screen_resume(self) -> None:
        """Shown the first time: from the top when the focused box shows there."""
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.set_timer(
                SETTLED, partial(top_if_it_fits, self.query_one(VerticalScroll), self.focused)
            )

    def on_mount(self) -> None:
        """Focus where a person starts typing: the first empty text box (a choice that has
        a default needs no typing), so the first key pressed is never lost."""
        first = self._first_box()
        target = first or (self.fields[0] if self.fields else None)
        if target is not None:
            box = self.query_one(f"#f-{target.name}")
            box.focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, Checkbox | Select):
                out[f.name] = widget.value
            elif isinstance(widget, SelectionList):
                out[f.name] = list(widget.selected)
            else:
                out[f.name] = widget.value.strip()  # type: ignore[attr-defined]
        return out

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()

    def _show_errors(self, err: ValidationError) -> None:
        names = {f.name for f in self.fields if f.kind != "bool"}
        for key, message in err.errors.items():
            target = key.split(".")[0]
            wid = f"#e-{target}" if target in names else "#e-form"
            self.query_one(wid, Static).update(message)

    def action_save(self) -> None:
        for f in self.fields:
            if f.kind != "bool":
                self.query_one(f"#e-{f.name}", Static).update("")
        self.query_one("#e-form", Static).update("")
        values = self.values()
        try:
            if self.check is not None:
                self.check(values)
            if self.writer is not None:
                self.writer(values)
        except ValidationError as err:
            self._show_errors(err)
            return
        self.finish(values)
