"""Declared interests register: schools, people, home area. Changes re-check open cases."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ips_field.actions.volunteer.conflict_checks import recheck_open_cases
from ips_field.domain.records import Interest
from ips_field.domain.ukdates import show_date
from ips_field.domain.vocabulary import INTEREST_TYPES
from ips_field.tui.screens.record_list import RecordListScreen
from ips_field.tui.widgets.dialogs import ConfirmDialog
from ips_field.tui.widgets.form_dialog import Field, FormDialog


class InterestsScreen(RecordListScreen):
    RECORD = Interest
    TITLE_TEXT = "Declared interests (every change is dated and re-checks your open cases)"
    COLUMNS = ("Type", "School, setting, person or area", "Declared", "Ended")
    BINDINGS = [
        *RecordListScreen.BINDINGS,
        Binding("x", "end", "End interest", id="end"),
    ]

    def records(self) -> list[Any]:
        return sorted(
            self.session.repo.all(Interest), key=lambda i: (bool(i.ended_on), i.declared_on)
        )

    def row(self, i: Interest) -> tuple[str, ...]:
        what = i.organisation or i.person or i.area
        return (
            INTEREST_TYPES[i.interest_type],
            what,
            show_date(i.declared_on),
            show_date(i.ended_on),
        )

    def summary(self) -> str:
        active = [i for i in self.session.repo.all(Interest) if i.active]
        return f"{len(active)} active interests. a adds one, x ends the selected one."

    def _make(self, values: dict[str, Any]) -> Interest:
        return Interest(
            interest_type=str(values["interest_type"]),
            organisation=values["organisation"],
            person=values["person"],
            area=values["area"],
            declared_on=self.session.today().isoformat(),
        )

    def action_add(self) -> None:
        fields = [
            Field(
                "interest_type",
                "Type of interest",
                "select",
                [(v, k) for k, v in INTEREST_TYPES.items()],
            ),
            Field(
                "organisation",
                "School or setting (for governor, clerk, staff, parent, relative there)",
            ),
            Field("person", "Person (for related to / close friend of)"),
            Field("area", "Area (for home area)"),
        ]

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            self.session.repo.save(self._make(values))
            self._recheck("interest declared")

        self.app.push_screen(
            FormDialog("Declare an interest", fields, self.save_from(self._make)), done
        )

    def action_end(self) -> None:
        interest = self.selected()
        if interest is None or interest.ended_on:
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.session.repo.save(interest.replace(ended_on=self.session.today().isoformat()))
                self._recheck("interest ended")

        self.app.push_screen(ConfirmDialog("End this interest from today?"), done)

    def _recheck(self, trigger: str) -> None:
        results = recheck_open_cases(self.session.repo, trigger=trigger)
        blocked = sum(r.result.outcome == "block" for r in results)
        warned = sum(r.result.outcome == "warn" for r in results)
        self.refresh_list()
        self.notify(
            f"Checked {len(results)} open cases: {blocked} blocked, "
            f"{warned} need a reason to continue",
            severity="warning" if blocked or warned else "information",
        )
