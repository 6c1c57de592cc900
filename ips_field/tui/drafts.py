"""Screens that keep what is being typed as an encrypted draft, and guard unsaved changes.

A screen sets ``DRAFT_FIELDS`` (the ids of its Input and TextArea widgets worth keeping)
and ``draft_key``. As the volunteer types, the fields are saved (debounced) into the
store's ``drafts`` table; before a lock and on an unexpected error they are saved at once.
When the screen opens and a draft is kept for it, the draft is offered back. ``unsaved()``
says whether anything differs from what was last loaded or saved, for the Esc and quit
guards; ``draft_saved()`` is called by the screen once its record is written.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.containers import ScrollableContainer
from textual.widgets import Input, TextArea

from ips_field.store.drafts import Drafts

DEBOUNCE_SECONDS = 1.5


class DraftsMixin:
    """Mixin for a Screen. Inert unless ``DRAFT_FIELDS`` is set."""

    DRAFT_FIELDS: tuple[str, ...] = ()
    DRAFT_LABEL = "a form"
    _draft_base: dict[str, str] | None = None
    _draft_timer: Any = None
    _typing_into: Any = None  # the box keys typed before the focus landed go into

    @property
    def draft_key(self) -> str:
        ids = [getattr(self, a, None) for a in ("meeting_id", "case_id")]
        return ":".join([type(self).__name__, *(str(i) for i in ids if i)])

    # -- reading the fields ------------------------------------------------------------

    def draft_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for wid in self.DRAFT_FIELDS:
            found = self.query(f"#{wid}")  # type: ignore[attr-defined]
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Input) and not widget.password:
                out[wid] = widget.value
            elif isinstance(widget, TextArea):
                out[wid] = widget.text
        return out

    def _put_values(self, values: dict[str, str]) -> None:
        for wid, text in values.items():
            if wid not in self.DRAFT_FIELDS:
                continue
            found = self.query(f"#{wid}")  # type: ignore[attr-defined]
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Input) and not widget.password:
                widget.value = text
            elif isinstance(widget, TextArea):
                widget.load_text(text)

    def unsaved(self) -> bool:
        """Typed text that is not yet in a record."""
        if not self.DRAFT_FIELDS or self._draft_base is None:
            return False
        return self.draft_values() != self._draft_base

    # -- the store side ---------------------------------------------------------------

    def _drafts(self) -> Drafts | None:
        if not getattr(self.app, "KEEPS_DRAFTS", False):  # type: ignore[attr-defined]
            return None  # the office app: its master record holds no drafts
        session = getattr(self.app, "session", None)  # type: ignore[attr-defined]
        if session is None:
            return None  # locked: nothing is read or written
        return Drafts(session.store, session.repo.time)

    def draft_baseline(self) -> None:
        """Take the fields as loaded as the baseline, at once when the screen is mounted:
        a key typed a moment later (the box has the focus from the start) must count as
        typed, or Esc and quit would not ask and a lock would drop it."""
        if self.DRAFT_FIELDS and self._draft_base is None:
            self._draft_base = self.draft_values()

    def draft_start(self) -> None:
        """Take the fields as loaded as the baseline, then offer back a kept draft."""
        if not self.DRAFT_FIELDS:
            return
        if self._draft_base is None:  # else taken already, before a key typed early
            self._draft_base = self.draft_values()
        drafts = self._drafts()
        kept = drafts.get(self.draft_key) if drafts else None
        if not kept or kept.get("fields") == self._draft_base:
            return

        def answered(put_back: bool | None) -> None:
            if put_back:
                self._put_values(kept["fields"])
            elif drafts is not None:
                drafts.drop(self.draft_key)

        self.app.ask_yes_no(  # type: ignore[attr-defined]
            "Text you had typed here was kept when the app locked, stopped or quit. Put it back?",
            answered,
            yes="Put it back",
            no="Discard it",
            focus="yes",
        )

    def save_draft_now(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        drafts = self._drafts()
        if drafts is None or self._draft_base is None:
            return
        if self.unsaved():
            drafts.save(self.draft_key, self.draft_values(), label=self.DRAFT_LABEL)
        else:
            drafts.drop(self.draft_key)

    def draft_saved(self) -> None:
        """The record is written: what is on screen now is the baseline, the draft goes."""
        self._draft_base = self.draft_values()
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        drafts = self._drafts()
        if drafts is not None:
            drafts.drop(self.draft_key)

    def _draft_changed(self) -> None:
        if not self.DRAFT_FIELDS or self._draft_base is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(  # type: ignore[attr-defined]
            DEBOUNCE_SECONDS, self.save_draft_now
        )

    def leave_now(self) -> None:
        """Leave the form without saving (a screen pops; a dialog dismisses)."""
        self.app.pop_screen()  # type: ignore[attr-defined]

    def action_leave_form(self) -> None:
        """Esc or Cancel on a form: leave at once when nothing changed, else ask first (the
        safe answer, Keep editing, has the focus)."""
        if not self.unsaved():
            self.save_draft_now()
            self.leave_now()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                if self._draft_timer is not None:  # a pending save would bring it back
                    self._draft_timer.stop()
                    self._draft_timer = None
                drafts = self._drafts()
                if drafts is not None:
                    drafts.drop(self.draft_key)
                self.leave_now()

        self.app.ask_yes_no(  # type: ignore[attr-defined]
            "You have changes here that are not saved. Leave and lose them?",
            answered,
            yes="Leave without saving",
            no="Keep editing",
        )

    # -- keys typed the instant the screen opened ----------------------------------------

    def typing_target(self) -> Input | TextArea | None:
        """The box that typing goes into when nothing has the focus yet: the first empty
        draft field (where the screen puts the focus), else the first; none when the
        screen starts on something else (its ``AUTO_FOCUS``, e.g. a checklist)."""
        auto = getattr(self, "AUTO_FOCUS", None)
        if auto and auto != "*":
            found = self.query(auto)  # type: ignore[attr-defined]
            first = found.first() if found else None
            return first if isinstance(first, Input | TextArea) else None
        boxes = []
        for wid in self.DRAFT_FIELDS:
            found = self.query(f"#{wid}")  # type: ignore[attr-defined]
            widget = found.first() if found else None
            if isinstance(widget, TextArea) or (isinstance(widget, Input) and not widget.password):
                boxes.append(widget)
        empty = [b for b in boxes if not (b.text if isinstance(b, TextArea) else b.value)]
        first = empty or boxes
        return first[0] if first else None

    def type_key(self, event: events.Key) -> bool:
        """Put a printable key that no box took into the box that has the focus, or that
        will have it (see ``typing_target``); True when it was typed. A box never lets a
        printable key through, so such a key was typed before this screen was in front or
        before its box had the focus: while a form was opening, or faster than it."""
        if not self.DRAFT_FIELDS or not event.is_printable or not event.character:
            return False
        focused = self.focused  # type: ignore[attr-defined]
        if isinstance(focused, ScrollableContainer):
            focused = None  # the form around the boxes, focused before its first box is
        if focused is not None and not isinstance(focused, Input | TextArea):
            return False  # a list, a checkbox, a button: its own keys
        if focused is None and self._typing_into is None:
            self._typing_into = self.typing_target()  # chosen once: the box fills up
        box = focused or self._typing_into
        if box is None or (isinstance(box, Input) and box.password) or box.disabled:
            return False
        if self._draft_base is None:
            # Typed before the screen took its baseline: take it now, without this key,
            # so that the unsaved-changes guard and the draft count it as typed.
            self._draft_base = self.draft_values()
        if isinstance(box, Input):
            box.insert_text_at_cursor(event.character)
        else:
            box.insert(event.character)
        if focused is None:
            box.focus()
        return True

    def on_key(self, event: events.Key) -> None:
        """A key sent to this screen before its box had the focus goes into the box."""
        if self.app.screen is self and self.type_key(event):  # type: ignore[attr-defined]
            event.stop()
            event.prevent_default()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.DRAFT_FIELDS:
            self._draft_changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id in self.DRAFT_FIELDS:
            self._draft_changed()


class DialogDraftsMixin(DraftsMixin):
    """The same for a dialog (a ModalScreen) that takes typing: its text fields are kept
    as a draft under ``dialog_draft_key`` (what the dialog is about, e.g. a case id, given
    by the caller), Esc and Cancel ask first when something typed is not saved, and the
    dialog counts for the quit guard. A dialog with no text field stays inert.

    The dialog calls ``draft_saved()`` once its record is written (or its answer given),
    so that the draft goes; ``CANCEL_RESULT`` is what leaving returns to the caller."""

    CANCEL_RESULT: Any = None
    dialog_draft_key: str = ""

    @property
    def draft_key(self) -> str:
        return f"{type(self).__name__}:{self.dialog_draft_key}"

    def leave_now(self) -> None:
        self.dismiss(self.CANCEL_RESULT)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        # After the dialog's own on_mount has filled and focused its fields.
        self.draft_baseline()
        self.call_after_refresh(self.draft_start)  # type: ignore[attr-defined]

    def finish(self, result: Any) -> None:
        """Answer the caller with ``result``: what was typed is used, the draft goes."""
        self.draft_saved()
        self.dismiss(result)  # type: ignore[attr-defined]
