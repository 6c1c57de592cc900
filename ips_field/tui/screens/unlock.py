"""The lock screen: passphrase, progress while the key is derived, clear errors, retry."""

from __future__ import annotations

from typing import Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, LoadingIndicator, Static

from ips_field.errors import IpsError
from ips_field.store.store import Store
from ips_field.tui.guard import Guarded
from ips_field.tui.protocols import UnlockHost
from ips_field.tui.widgets.footer import KeysFooter


class UnlockScreen(Guarded, Screen[None]):
    """Nothing about any family is on this screen or in memory until the store opens."""

    AUTO_FOCUS = "#passphrase"

    @property
    def ips(self) -> UnlockHost:
        return cast(UnlockHost, self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="dialog", id="unlock-box"):
            yield Static(f"{self.app.title} is locked", classes="title", markup=False)
            yield Static(
                "Your case notes are encrypted. Enter your passphrase to open them.",
                classes="hint",
            )
            if getattr(self.ips, "lock_message", ""):
                yield Static(self.ips.lock_message, classes="error", id="lock-message")
            if self.ips.unlock_hint:
                yield Static(self.ips.unlock_hint, classes="hint", id="unlock-hint")
            yield Input(
                select_on_focus=False, password=True, placeholder="Passphrase", id="passphrase"
            )
            yield LoadingIndicator(id="working")
            yield Label("", id="problem", classes="error")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#working").display = False

    @on(Input.Submitted, "#passphrase")
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        self.query_one("#problem", Label).update("Opening (deriving the key)...")
        self.query_one("#working").display = True
        event.input.disabled = True
        self._open(event.value)

    @work(thread=True, exit_on_error=False, exclusive=True)
    def _open(self, passphrase: str) -> None:
        app = self.ips
        try:
            store: Any = app.locked_store
            if store is not None:
                store.unlock(passphrase)
            else:
                assert app.store_path is not None
                store = Store.open(app.store_path, passphrase)
        except IpsError as err:
            app.call_from_thread(self._failed, str(err))
            return
        app.call_from_thread(app.unlocked, store)

    def _failed(self, message: str) -> None:
        self.query_one("#working").display = False
        box = self.query_one("#passphrase", Input)
        box.disabled = False
        box.value = ""
        box.focus()
        text = "Wrong passphrase. Try again." if message == "wrong passphrase" else message
        self.query_one("#problem", Label).update(text)
