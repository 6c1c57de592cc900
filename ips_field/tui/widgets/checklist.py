"""A selection list whose marks differ in shape, not only in colour: ``[✓]`` done, ``[ ]`` not.

Textual's SelectionList draws the same ``X`` for ticked and unticked items and tells them
apart by colour alone, which fails anyone who cannot see the colour (and makes every item
look done). This keeps its keys and messages and redraws only the mark.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

DONE = "✓"
NOT_DONE = " "


class Checklist(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        index = self.scroll_offset.y + y
        try:
            option = self.get_option_at_index(index)
        except Exception:
            return strip
        mark = DONE if option.value in self._selected else NOT_DONE
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class Tick(Checkbox):
    """A checkbox whose mark is ``[✓]`` when ticked and ``[ ]`` when not (Textual draws
    ``X`` for both, so "The parent has approved this wording" looked approved)."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = DONE if self.value else NOT_DONE
        return super()._button
