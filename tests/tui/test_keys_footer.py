"""The key footer is built again only when the keys it shows change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from ips_field.tui.widgets.footer import KeysFooter


class _Form(App[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("f2", "lock", "Lock", id="lock")]

    def __init__(self) -> None:
        super().__init__()
        self.can_save = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "save" and not self.can_save else True  # None: greyed

    def action_save(self) -> None: ...

    def action_lock(self) -> None: ...


def _keys(app: App[None]) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_moving_between_boxes_keeps_the_keys_and_a_change_redraws_them() -> None:
    app = _Form()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = _keys(app)
        assert [k.description for k in before][:2] == ["Save", "Lock"]
        await pilot.press("tab")
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "one"
        assert _keys(app) == before  # the same widgets: nothing was built again

        app.can_save = False  # Save is shown greyed out once refused
        app.screen.refresh_bindings()
        await pilot.pause()
        after = _keys(app)
        assert [k.description for k in after][:2] == ["Save", "Lock"]
        assert after[0] is not before[0] and after[0].has_class("-disabled")

        app.update_keymap({"lock": "f3"})  # a key moved by the keymap is shown where it is
        await pilot.pause()
        assert "f3" in [k.key for k in _keys(app)]
