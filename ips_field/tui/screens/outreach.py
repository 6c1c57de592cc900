"""Outreach log: visits to schools, settings and parent groups."""

from __future__ import annotations

from typing import Any

from ips_field.actions.volunteer.outreach import consultation_list
from ips_field.domain.records import Outreach
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.tui.screens.record_list import RecordListScreen
from ips_field.tui.widgets.form_dialog import Field, FormDialog

AUDIENCES = [
    ("School", "school"),
    ("Early years setting", "setting"),
    ("Parent group", "parent_group"),
    ("Other", "other"),
]


class OutreachScreen(RecordListScreen):
    RECORD = Outreach
    TITLE_TEXT = "Outreach and consultation"
    COLUMNS = ("Date", "Organisation", "Type", "Hours", "Notes")

    def row(self, o: Outreach) -> tuple[str, ...]:
        return (show_date(o.on), o.organisation, o.audience, f"{o.hours:g}", o.notes)

    def summary(self) -> str:
        willing = consultation_list(self.session.repo, self.session.today())
        return (
            f"{len(willing)} families are willing to be consulted (the office can see this list)."
        )

    def _make(self, v: dict[str, Any]) -> Outreach:
        try:
            hours = float(v["hours"])
        except ValueError:
            hours = 0.0
        return Outreach(
            on=to_iso(v["on"]),
            organisation=v["organisation"],
            audience=str(v["audience"]),
            hours=hours,
            notes=v["notes"],
        )

    def action_add(self) -> None:
        fields = [
            Field("on", f"Date ({HINT})", value=show_date(self.session.today().isoformat())),
            Field("organisation", "Organisation"),
            Field("audience", "Type", "select", AUDIENCES),
            Field("hours", "Hours", value="1"),
            Field("notes", "Notes"),
        ]

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.session.repo.save(self._make(values))
                self.refresh_list()

        self.app.push_screen(FormDialog("Add outreach", fields, self.save_from(self._make)), done)
