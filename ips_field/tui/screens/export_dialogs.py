"""The volunteer's exports: Word, PDF or Markdown, chosen by the file name's ending, and the
question about wording flagged as directive, asked before the meeting record is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from ips_field.domain.records import Note
from ips_field.domain.shown import shown
from ips_field.domain.vocabulary import VOICES
from ips_field.errors import IpsError
from ips_field.store.files import shared_folder_warning, write_new_file
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog

FORMAT_HINT = "End the name with .docx (Word), .pdf or .md (Markdown)."
ASK_NAME = "Save as (.docx for Word, .pdf or .md):"
EXPORT_WARNING = (
    "This writes the summary to a file OUTSIDE the encrypted store, in plain text, with the "
    "family's names. Only do this if you need it (for example to send to the parent), keep "
    "it safe and delete it when done."
)


def chosen_format(name: str) -> str | None:
    """docx, pdf or md from a file name; None for anything else."""
    lowered = name.lower()
    for fmt in ("docx", "pdf", "md"):
        if lowered.endswith("." + fmt):
            return fmt
    return None


class FlaggedWordingDialog(ModalScreen[bool | None]):
    """Shows the flagged notes; True includes them in the parent's copy, False leaves them
    out, escape cancels the export."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, notes: list[Note]) -> None:
        super().__init__()
        self.notes = notes

    def compose(self) -> ComposeResult:
        lines = [
            "These notes have wording the neutral-language check flagged as directive. "
            "The parent's copy leaves them out unless you choose to include them:",
            "",
        ]
        for n in self.notes:
            phrases = ", ".join(f'"{f.get("phrase", "")}"' for f in n.flags)
            lines.append(f"• {VOICES.get(n.voice, n.voice)}: {n.text}  ({phrases})")
        with VerticalScroll(classes="dialog"):
            yield Static("\n".join(lines), markup=False, classes="warning-box", id="flagged")
            with Horizontal(classes="buttons"):
                yield Button("Leave them out", id="leave", variant="primary")
                yield Button("Include them", id="include", variant="warning")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#leave")
    def _leave(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#include")
    def _include(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def write_export(
    screen: Screen[Any], target: str | None, make: Callable[[str], bytes]
) -> Path | None:
    """Write ``make(fmt)`` to the file the volunteer named: a new file only, readable by
    this user only, never half-written; problems are one notification, nothing written."""
    if not target:
        return None
    path = Path(target).expanduser()
    fmt = chosen_format(path.name)
    if fmt is None:
        screen.notify(f"Not saved: {FORMAT_HINT}", severity="error")
        return None
    try:
        if path.exists():  # before rendering, which takes a moment
            raise IpsError(f"{path.name} already exists; choose another file name")
        write_new_file(path, make(fmt))
    except IpsError as err:
        screen.notify(shown(f"Not saved: {err}"), severity="error", markup=False)
        return None
    screen.notify(
        f"Written to {path}. It is NOT encrypted: delete it when done."
        + shared_folder_warning(path),
        severity="warning",
    )
    return path


def ask_export(screen: Screen[Any], default_name: str, make: Callable[[str], bytes]) -> None:
    """The warning, then the file name, then the file."""

    def save(target: str | None) -> None:
        write_export(screen, target, make)

    def confirmed(ok: bool | None) -> None:
        if ok:
            screen.app.push_screen(AskDialog(ASK_NAME, value=str(Path.home() / default_name)), save)

    screen.app.push_screen(
        ConfirmDialog(EXPORT_WARNING, yes="Export anyway", warning=True), confirmed
    )
