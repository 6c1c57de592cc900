"""Search across your own notes (every case): type, see the matching current notes newest
first, Enter opens the case on that note. The search itself is UI-free
(``actions/volunteer/notes.py``); every cell shown is escaped by the table."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from ips_field.actions.volunteer.notes import NoteHit, search_notes
from ips_field.domain.shown import shown
from ips_field.domain.ukdates import show_date
from ips_field.domain.vocabulary import VOICES
from ips_field.domain.words import count
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table


def _snippet(text: str, query: str, room: int) -> str:
    """One line of the note, starting a little before the first word found."""
    flat = " ".join(text.split())
    words = query.split()
    at = flat.casefold().find(words[0].casefold()) if words else -1
    start = max(0, at - 15) if at > room - 20 else 0
    if start:  # from the start of a word
        space = flat.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and at - space < room - 5 else start
    piece = flat[start:]
    piece = ("…" if start else "") + piece
    return piece if len(piece) <= room else piece[: room - 1] + "…"


class NoteSearchScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("down", "to_results", "Results", show=False, id="to_results"),
    ]
    AUTO_FOCUS = "#query"

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[NoteHit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Search your notes (every case; current wording only)", classes="title")
        yield Input(
            value=self.initial,
            select_on_focus=False,
            placeholder="Words to find, e.g. transport",
            id="query",
        )
        yield Static("", id="found", markup=False)
        yield Table(id="results", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#results", DataTable).add_columns("Written", "Case", "Voice", "Note")
        self._search(self.initial)

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        self.action_to_results()

    def action_to_results(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()

    def _search(self, query: str) -> None:
        if self.ips.session is None:
            return
        self.hits = search_notes(self.session.repo, query)
        table = self.query_one("#results", DataTable)
        table.clear()
        room = max(20, self.app.size.width - 48)
        for i, hit in enumerate(self.hits):
            case = f"{hit.case.reference} {hit.family_name}".strip()
            table.add_row(
                show_date(hit.note.written_at),
                case[:20],
                VOICES.get(hit.note.voice, hit.note.voice),
                _snippet(hit.note.text, query, room),
                key=str(i),
            )
        found = self.query_one("#found", Static)
        if not query.strip():
            found.update("Type a word or two; Enter or ↓ goes to the results.")
        else:
            more = " (the newest shown)" if len(self.hits) >= 200 else ""
            found.update(shown(f"{count(len(self.hits), 'note')} found{more}. Enter opens one."))

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        from ips_field.tui.screens.case_view import CaseScreen

        hit = self.hits[int(str(event.row_key.value))]
        self.app.push_screen(CaseScreen(hit.case.id, note_id=hit.note.id))
