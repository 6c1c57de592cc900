"""CPD log: entries, hours per year and topic, refreshers due from the service profile."""

from __future__ import annotations

from typing import Any

from ips_field.actions.volunteer.cpd import cpd_totals
from ips_field.domain.due import cpd_refreshers_due
from ips_field.domain.records import CpdEntry
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.domain.vocabulary import CPD_TOPICS
from ips_field.tui.screens.record_list import RecordListScreen
from ips_field.tui.widgets.form_dialog import Field, FormDialog


def _hours(text: Any) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return -1.0


class CpdScreen(RecordListScreen):
    RECORD = CpdEntry
    TITLE_TEXT = "CPD log"
    COLUMNS = ("Date", "Title", "Provider", "Independent", "Hours", "Topics")

    def row(self, e: CpdEntry) -> tuple[str, ...]:
        return (
            show_date(e.on),
            e.title,
            e.provider,
            "yes" if e.independent else "",
            f"{e.hours:g}",
            ", ".join(t.replace("_", " ") for t in e.topics),
        )

    def summary(self) -> str:
        s = self.session
        year = s.today().year
        totals = cpd_totals(s.repo).get(year, {})
        by_topic = ", ".join(f"{t} {h:g}h" for t, h in sorted(totals.items()) if t != "all")
        due = cpd_refreshers_due(
            s.repo.all(CpdEntry), s.today(), refreshers=s.profile.cpd_refreshers
        )
        due_text = "; ".join(f"{d.title} ({d.due_on:%d %b %Y})" for d in due) or "none"
        hours = totals.get("all", 0)
        return f"{year}: {hours:g} hours ({by_topic or 'no entries'}). Refreshers due: {due_text}"

    def _make(self, v: dict[str, Any]) -> CpdEntry:
        return CpdEntry(
            on=to_iso(v["on"]),
            title=v["title"],
            provider=v["provider"],
            independent=bool(v["independent"]),
            hours=_hours(v["hours"]),
            topics=list(v["topics"]),
            certificate_ref=v["certificate_ref"],
        )

    def action_add(self) -> None:
        fields = [
            Field("on", f"Date ({HINT})", value=show_date(self.session.today().isoformat())),
            Field("title", "Title"),
            Field("provider", "Provider"),
            Field("independent", "Independent / external provider", "bool"),
            Field("hours", "Hours", value="1"),
            Field("topics", "Topics", "multi", [(t.replace("_", " "), t) for t in CPD_TOPICS]),
            Field("certificate_ref", "Certificate reference"),
        ]

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.session.repo.save(self._make(values))
                self.refresh_list()

        self.app.push_screen(FormDialog("Add CPD", fields, self.save_from(self._make)), done)
