"""The small form that records a key date on a case (a request, a decision letter...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ips_field.domain.records import KeyDate
from ips_field.domain.statutory import build_key_date
from ips_field.domain.ukdates import HINT, show_date
from ips_field.domain.vocabulary import KEY_DATES
from ips_field.tui.widgets.form_dialog import Field, FormDialog


class KeyDateDialog(FormDialog):
    """A FormDialog whose result is the checked :class:`KeyDate`, or None."""

    def __init__(self, case_id: str, today: dt.date, *, only: tuple[str, ...] = ()) -> None:
        self.case_id = case_id
        names = [k for k in KEY_DATES if not only or k in only]
        fields = [
            Field("which", "Which date", "select", [(KEY_DATES[k], k) for k in names]),
            Field("on", f"Date ({HINT})", value=show_date(today.isoformat())),
        ]
        if "phase_transfer_year" in names:
            fields += [
                Field("year", "Year of transfer (phase transfer only, e.g. 2027)"),
                Field("post_16", "Moving from school to post-16 (phase transfer only)", "bool"),
            ]
        super().__init__("Record a key date", fields, check=self._build, draft_key=case_id)

    def _build(self, values: dict[str, Any]) -> KeyDate:
        return build_key_date(
            self.case_id,
            str(values["which"]),
            str(values["on"]),
            str(values.get("year", "")),
            bool(values.get("post_16", False)),
        )

    def dismiss(self, result: Any = None) -> Any:
        if isinstance(result, dict):
            result = self._build(result)
        return super().dismiss(result)
