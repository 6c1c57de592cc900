"""A small typed form dialog built from field specs; returns the values or None."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static

from ips_field.domain.shown import shown
from ips_field.errors import ValidationError


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, password, select, multi, bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = ""


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """Ask for several values; ``check`` may raise ValidationError to show field messages."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, title: str, fields: list[Field], check: Any = None) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Static(shown(f"{self.title_text} (ctrl+s saves)"), classes="title", markup=False)
            for f in self.fields:
                if f.kind == "bool":
                    yield Checkbox(f.label, bool(f.value), id=f"f-{f.name}")
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

    def on_mount(self) -> None:
        """Focus where a person starts typing: the first empty text box (a choice that has
        a default needs no typing), so the first key pressed is never lost."""
        texts = [f for f in self.fields if f.kind in ("text", "password")]
        first = next((f for f in texts if not f.value), texts[0] if texts else None)
        target = first or (self.fields[0] if self.fields else None)
        if target is not None:
            self.query_one(f"#f-{target.name}").focus()

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
        self.dismiss(None)

    def action_save(self) -> None:
        for f in self.fields:
            if f.kind != "bool":
                self.query_one(f"#e-{f.name}", Static).update("")
        values = self.values()
        if self.check is not None:
            try:
                self.check(values)
            except ValidationError as err:
                names = {f.name for f in self.fields if f.kind != "bool"}
                for key, message in err.errors.items():
                    target = key.split(".")[0]
                    wid = f"#e-{target}" if target in names else "#e-form"
                    self.query_one(wid, Static).update(message)
                return
        self.dismiss(values)
