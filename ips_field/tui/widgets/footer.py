"""The key footer, drawn again only when the keys it shows change.

Textual's ``Footer`` throws its keys away and builds them again each time the screen's
bindings may have changed: on every move of the focus and every screen shown, even from one
box to the next of a form where the keys stay the same. Each build mounts a widget per key
and styles it; on a volunteer's older laptop that is work on every Tab, and it was a third
of the time the pilot tests spent in Textual. This footer looks first and builds only when
a key, its label, its state or its tooltip is not what it shows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen[object]) -> tuple[object, ...]:
    """Everything of the screen's bindings that the footer draws."""
    app = screen.app
    return tuple(
        (
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            binding.show,
            binding.group,
            enabled,
            tooltip,
        )
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
    )


class KeysFooter(Footer):
    """:class:`textual.widgets.Footer` that skips a rebuild which would draw the same keys."""

    _drawn: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        self._drawn = shown_keys(self.screen) if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._drawn is not None
            and self.is_attached
            and screen is self.screen
            and shown_keys(screen) == self._drawn
        ):
            return
        super().bindings_changed(screen)
