"""All cases: a filter box (reference, family, child, school) and a status filter.

The list is an OptionList of aligned lines under a heading rather than a DataTable: it
redraws a hundred rows on each keystroke in the filter at a fraction of a table's cost
(``bench/tui_bench.py``), and a line of text is what a reader scans anyway.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ips_field.domain.records import Case, Child, Family
from ips_field.domain.shown import shown as shown_text
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter

MAX_ROWS = 100  # a longer list is not readable (and is slow to redraw); the filter narrows it
HEADINGS = ("Ref", "Family", "Child", "School or setting", "Status", "Consent")
WIDTHS = (10, 20, 18, 28, 16, 0)  # most a column takes; 0: the rest of the line
# Under 100 columns (a small laptop, a large font) the child's name goes (the filter still
# finds it) and the others narrow, so that each case stays on one line with its consent.
NARROW_BELOW = 100
NARROW = (8, 11, 0, 13, 6, 0)
STATUS = [("Open cases", "open"), ("Closed cases", "closed"), ("All cases", "all")]


class CasesScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "new_case", "New case", id="new_case"),
        Binding("slash", "focus_filter", "Filter", id="filter"),
    ]
    AUTO_FOCUS = "#filter"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(
                select_on_focus=False,
                placeholder="Filter: reference, family, child, school",
                id="filter",
            )
            yield Select(STATUS, value="open", allow_blank=False, id="status")
        yield Static("", id="count", classes="hint", markup=False)
        yield Static("", id="headings", markup=False)
        yield OptionList(id="cases", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._rows: list[tuple[str, str, tuple[str, ...]]] = []
        self._shown: list[str] | None = None
        # The rows are built by on_screen_resume, sent on first showing too.

    def on_screen_resume(self) -> None:
        self._rows = self._build_rows()
        self._shown = None
        self.apply_filter()

    def on_resize(self) -> None:
        if getattr(self, "_rows", None):
            self._shown = None
            self._headings = None
            self.apply_filter()

    def _build_rows(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(case id, search text, cells) once; filtering then only scans strings."""
        repo = self.session.repo
        families = {f.case_id: f for f in repo.all(Family)}
        children = {c.case_id: c for c in repo.all(Child)}
        consents = self.session.consents_by_case()
        rows: list[tuple[str, str, tuple[str, ...]]] = []
        for case in sorted(repo.all(Case), key=lambda c: c.reference):
            fam = families.get(case.id)
            child = children.get(case.id)
            badges = self.session.consent_summary(case.id, consents.get(case.id, []))
            cells = tuple(
                shown_text(c)
                for c in (
                    case.reference,
                    fam.family_name if fam else "",
                    child.name if child else "",
                    case.school,
                    case.status + (" (blocked)" if case.blocked_reason else ""),
                    badges,
                )
            )
            rows.append((case.id, " ".join(cells[:4]).lower(), cells))
        return rows

    @on(Input.Changed, "#filter")
    @on(Select.Changed, "#status")
    def apply_filter(self) -> None:
        text = self.query_one("#filter", Input).value.lower().split()
        status = self.query_one("#status", Select).value
        matches = [
            (case_id, cells)
            for case_id, haystack, cells in self._rows
            if (status == "all" or cells[4].startswith(str(status)))
            and all(word in haystack for word in text)
        ]
        shown = matches[:MAX_ROWS]
        ids = [case_id for case_id, _ in shown]
        more = (
            f"; showing the first {MAX_ROWS}, type more to narrow"
            if len(matches) > MAX_ROWS
            else ""
        )
        count = f"{len(matches)} case{'' if len(matches) == 1 else 's'}{more}"
        if count != getattr(self, "_count", None):
            self._count = count
            self.query_one("#count", Static).update(count)
        if ids == self._shown:
            return  # same rows as now: nothing to redraw
        self._shown = ids
        widths = column_widths(
            [cells for _, cells in shown], NARROW if self.size.width < NARROW_BELOW else WIDTHS
        )
        headings = line(HEADINGS, widths)
        if headings != getattr(self, "_headings", None):
            self._headings = headings
            self.query_one("#headings", Static).update(headings)
        cases = self.query_one("#cases", OptionList)
        cases.clear_options()
        cases.add_options([Option(Content(line(cells, widths)), id=cid) for cid, cells in shown])
        if shown:
            cases.highlighted = 0

    @on(Input.Submitted, "#filter")
    def _to_table(self) -> None:
        self.query_one("#cases", OptionList).focus()

    @on(OptionList.OptionSelected, "#cases")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from ips_field.tui.screens.case_view import CaseScreen

        self.app.push_screen(CaseScreen(str(event.option.id)))

    def action_new_case(self) -> None:
        from ips_field.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen())

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()


def column_widths(rows: list[tuple[str, ...]], limits: tuple[int, ...] = WIDTHS) -> tuple[int, ...]:
    """Each column as wide as its widest cell or heading, up to its limit; a 0 limit before
    the last column hides that column (narrow screens), the last 0 takes the rest."""
    last = len(limits) - 1
    return tuple(
        (
            max([len(HEADINGS[i]), *(len(r[i]) for r in rows)])
            if i == last
            else 0
            if limit == 0
            else min(limit, max([len(HEADINGS[i]), *(len(r[i]) for r in rows)]))
        )
        for i, limit in enumerate(limits)
    )


def line(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    """Cells padded to their widths, cut with an ellipsis when longer, two spaces apart;
    a column of width 0 is left out."""
    out = []
    for cell, width in zip(cells, widths, strict=True):
        if width == 0:
            continue
        text = cell if len(cell) <= width else cell[: width - 1] + "…"
        out.append(text.ljust(width))
    return "  ".join(out).rstrip()
