"""The case screen's statutory timeline actions: fill the Timelines tab, record a key date
(``t``), remove one typed by mistake (``delete`` in the key dates list). A mixin, so the
case screen itself only adds the tab, the binding and one call."""

from __future__ import annotations

from typing import Any

from textual.widgets import TabbedContent

from ips_field.domain.records import KeyDate
from ips_field.domain.vocabulary import KEY_DATES
from ips_field.tui.widgets.dialogs import ConfirmDialog
from ips_field.tui.widgets.key_date_dialog import KeyDateDialog
from ips_field.tui.widgets.timeline_view import TimelineView


class TimelineActions:
    """Mixed into ``CaseScreen`` (which has ``case_id``, ``session``, ``ips``, ``refresh_all``)."""

    case_id: str
    session: Any
    ips: Any

    def _fill_timelines(self) -> None:
        items = self.session.milestones(self.case_id)
        recorded = self.session.repo.for_case(KeyDate, self.case_id)
        view = self.query_one("#timelines", TimelineView)  # type: ignore[attr-defined]
        view.show(items, self.ips.templates.timelines, recorded)

    def action_key_date(self) -> None:
        def done(record: KeyDate | None) -> None:
            if record is not None:
                self.session.repo.save(record)
                self.notify("Key date recorded; the statutory dates are worked out again")  # type: ignore[attr-defined]
                self.refresh_all()  # type: ignore[attr-defined]
                tabs = self.query_one("#tabs", TabbedContent)  # type: ignore[attr-defined]
                tabs.active = "timelines-tab"

        dialog = KeyDateDialog(self.case_id, self.session.today())
        self.app.push_screen(dialog, done)  # type: ignore[attr-defined]

    def on_timeline_view_remove_requested(self, event: TimelineView.RemoveRequested) -> None:
        record = self.session.repo.get(KeyDate, event.key_date_id)
        if record is None or record.case_id != self.case_id:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.session.repo.delete(KeyDate, record.id)
                self.notify("Key date removed; the statutory dates are worked out again")  # type: ignore[attr-defined]
                self.refresh_all()  # type: ignore[attr-defined]

        label = KEY_DATES.get(record.which, record.which)
        question = f"Remove the key date: {label}?"
        self.app.push_screen(ConfirmDialog(question, yes="Remove"), done)  # type: ignore[attr-defined]
