"""Open a form at its top when the box that has the focus can be seen from there.

Focusing a box scrolls it into view, at the bottom edge: a form opened with the focus on
its second or fifth box showed that box with its label, the title and the choices above it
(the consent's purpose, the meeting's type) scrolled out of sight at 80x24 (found in tmux).
"""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widget import Widget

# Textual scrolls to a screen's first focus once the screen is shown, animated; the form's
# own scroll waits this long (seconds) so that it comes after, and stops what is left of it.
SETTLED = 0.1


async def top_if_it_fits(scroller: ScrollableContainer, focused: Widget | None) -> None:
    """Scroll ``scroller`` home when ``focused`` (one of its children) still shows there;
    otherwise put the focused box's label (the row above it) at the top. The screen's own
    scroll to its first focus is animated: it is stopped first, or it would win."""
    if focused is None:
        return
    await scroller.stop_animation("scroll_y", complete=False)
    box = focused.virtual_region
    if box.bottom <= scroller.scrollable_content_region.height:
        scroller.scroll_home(animate=False, immediate=True)
    else:
        scroller.scroll_to(y=max(0, box.y - 2), animate=False, immediate=True)
