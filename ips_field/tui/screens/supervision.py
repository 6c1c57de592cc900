"""Supervision log: sessions, cases discussed, concerns, impartiality coaching and follow-up."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ips_field.actions.note_flags import flagged_notes
from ips_field.domain.due import supervision_due
from ips_field.domain.records import Case, SupervisionEntry
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.tui.screens.record_list import RecordListScreen
from ips_field.tui.widgets.form_dialog import Field, FormDialog


class SupervisionScreen(RecordListScreen):
    RECORD = SupervisionEntry
    TITLE_TEXT = "Supervision log"
    COLUMNS = (
        "Date",
        "Supervisor",
        "Cases",
        "Impartiality concern",
        "Coaching",
        "Follow-up",
        "Done",
    )
    BINDINGS = [
        *RecordListScreen.BINDINGS,
        Binding("f", "followed_up", "Mark followed up", id="followed_up"),
    ]

    def row(self, e: SupervisionEntry) -> tuple[str, ...]:
        refs = {c.id: c.reference for c in self.session.repo.all(Case)}
        return (
            show_date(e.on),
            e.supervisor,
            ", ".join(refs.get(i, "?") for i in e.case_ids),
            "yes" if e.impartiality_concern else "",
            e.coaching,
            show_date(e.follow_up_on),
            show_date(e.followed_up_on),
        )

    def summary(self) -> str:
        s = self.session
        entries = s.repo.all(SupervisionEntry)
        last = max((e.on for e in entries), default=None)
        due = supervision_due(entries, s.today(), interval_days=s.profile.supervision_interval_days)
        flagged = len(flagged_notes(s.repo))
        due_text = f"next due {due[0].due_on:%d %b %Y} ({due[0].severity})" if due else "up to date"
        return (
            f"Last supervision: {show_date(last) or 'none recorded'}; {due_text}. "
            f"{flagged} notes flagged by the neutral-language check to discuss."
        )

    def _make(self, v: dict[str, Any]) -> SupervisionEntry:
        return SupervisionEntry(
            on=to_iso(v["on"]),
            supervisor=v["supervisor"],
            case_ids=list(v["case_ids"]),
            concerns=v["concerns"],
            impartiality_concern=bool(v["impartiality_concern"]),
            coaching=v["coaching"],
            follow_up_on=to_iso(v["follow_up_on"]) or None,
        )

    def action_add(self) -> None:
        cases = [
            (c.reference, c.id)
            for c in sorted(self.session.repo.open_cases(), key=lambda c: c.reference)
        ]
        fields = [
            Field("on", f"Date ({HINT})", value=show_date(self.session.today().isoformat())),
            Field("supervisor", "Supervisor"),
            Field("case_ids", "Cases discussed", "multi", cases),
            Field("concerns", "Concerns raised"),
            Field("impartiality_concern", "An impartiality concern was raised", "bool"),
            Field("coaching", "Coaching agreed"),
            Field("follow_up_on", f"Follow-up date ({HINT}, optional)"),
        ]

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.session.repo.save(self._make(values))
                self.refresh_list()

        self.app.push_screen(
            FormDialog("Add supervision", fields, self.save_from(self._make)), done
        )

    def action_followed_up(self) -> None:
        entry = self.selected()
        if entry is not None and entry.follow_up_on and not entry.followed_up_on:
            self.session.repo.save(entry.replace(followed_up_on=self.session.today().isoformat()))
            self.refresh_list()
