"""The office's documents, one function each, used by the command line and the office app
alike: the monitoring or annual report, and the subject access pack for one family.

Each renders fully in memory and writes a new private file (mode 0600, atomic, never over
an existing one), then records the export in the audit log by case reference only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ips_field.actions.office.monitoring import Monitoring, build_monitoring
from ips_field.documents.render import render
from ips_field.errors import IpsError, ValidationError
from ips_field.store.files import write_new_file

REPORT_FORMATS = ("md", "csv", "docx", "pdf")
SAR_FORMATS = ("docx", "pdf", "json")


def monitoring_for(
    node: Any, first: dt.date, last: dt.date, *, kind: str | None = None, templates: Any = None
) -> Monitoring:
    """The figures for a period from the master record (names and serving from the roster,
    the supervision interval and service name from the office's service profile)."""
    from ips_field.templates import load_templates
    from sync.node import volunteer_name

    templates = templates or load_templates()[0]
    profile = templates.profile(node.state.get("profile", "generic"))
    roster = node.roster
    entries = roster.volunteers if roster else {}
    return build_monitoring(
        node.repo,
        first,
        last,
        service=profile.name,
        names={v: volunteer_name(node, v) for v in entries},
        kind=kind or ("annual" if (last - first).days > 62 else "monthly"),
        supervision_interval_days=profile.supervision_interval_days,
        meeting_types={k: t.name for k, t in templates.meeting_types.items()},
        serving={v: (e.enrolled_on, e.revoked_on) for v, e in entries.items()},
    )


def report_bytes(
    mon: Monitoring, fmt: str, made_at: dt.datetime | None = None, audit_head: str = ""
) -> bytes:
    """The report file's bytes; ``audit_head`` (``N:HASH``) is printed on it (sync/audit.py)."""
    if fmt == "csv":
        return monitoring_csv(mon, audit_head).encode("utf-8")
    from ips_field.documents.monitoring import monitoring_document

    return render(monitoring_document(mon, made_at=made_at, audit_head=audit_head), fmt)


def report_audit_head(node: Any) -> str:
    """The audit log's head as a report prints it: the entry recording this report's own
    export comes after it, so a later ``audit verify --against`` finds it in the log."""
    from sync import audit

    return audit.anchor_text(audit.head(node))


def view_report(
    node: Any, first: dt.date, last: dt.date, *, kind: str | None = None, templates: Any = None
) -> Monitoring:
    """A report shown on screen: its figures, and one audit entry for the view."""
    from sync import audit

    mon = monitoring_for(node, first, last, kind=kind, templates=templates)
    audit.append(node, "report", f"{first}..{last} shown")
    return mon


def monitoring_csv(mon: Monitoring, audit_head: str = "") -> str:
    """section,label,value as before, plus the same period a year earlier; the last row is
    the audit log's head (section ``audit log``, label ``head``) when one is given."""
    import csv
    import io

    from ips_field.actions.office.report_figures import _shown

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "value", "a_year_earlier"])
    earlier = {s.title: dict(s.rows) for s in mon.earlier.sections}
    for s in mon.current.sections:
        then = earlier.get(s.title, {})
        for label, value in s.rows:
            old = then.get(label, 0)
            writer.writerow([s.title, label, _shown(value), _shown(old)])
    if audit_head:
        writer.writerow(["audit log", "head", audit_head, ""])
    return out.getvalue()


def write_report(
    node: Any, first: dt.date, last: dt.date, fmt: str, out: Path, *, kind: str | None = None
) -> Path:
    if fmt not in REPORT_FORMATS:
        raise IpsError(f"the format is md, csv, docx or pdf, not {fmt!r}")
    out = Path(out)
    if out.exists():
        raise IpsError(f"{out.name} already exists; choose another file name")
    mon = monitoring_for(node, first, last, kind=kind)
    return export_report(node, mon, fmt, out)


def export_report(node: Any, mon: Monitoring, fmt: str, out: Path) -> Path:
    """Write figures already computed (the screen's) to a new file, the audit log's head
    printed on it, and audit the export: the one export path of the command and the app."""
    from sync import audit

    if fmt not in REPORT_FORMATS:
        raise IpsError(f"the format is md, csv, docx or pdf, not {fmt!r}")
    out = Path(out)
    if out.exists():
        raise IpsError(f"{out.name} already exists; choose another file name")
    first, last = mon.current.start, mon.current.end
    write_new_file(out, report_bytes(mon, fmt, _now(node), report_audit_head(node)))
    audit.append(node, "report", f"{first}..{last} {fmt} exported")
    return out


def find_case(node: Any, ref: str) -> str:
    """A case id from a case reference (or an id); one line if there is none."""
    ref = ref.strip()
    for doc in node.repo.table("case").all():
        if not doc.get("deleted") and ref in (doc.get("reference"), doc.get("id")):
            return str(doc["id"])
    raise ValidationError({"case": "No case with that reference"})


def write_subject_access(
    node: Any, case_id: str, fmt: str, out: Path, *, annex: bool = False
) -> Path:
    """The subject access pack (docx or pdf, optionally with the raw JSON as an annex) or the
    raw JSON alone; audited as a subject access export of that case."""
    from ips_field.actions.office.family_data import subject_access
    from sync import audit

    if fmt not in SAR_FORMATS:
        raise IpsError(f"the format is docx, pdf or json, not {fmt!r}")
    out = Path(out)
    if out.exists():
        raise IpsError(f"{out.name} already exists; choose another file name")
    data = subject_access(node, case_id)
    if fmt == "json":
        payload: bytes = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    else:
        from ips_field.documents.subject_access import subject_access_document
        from ips_field.templates import load_templates
        from sync.node import volunteer_name

        types = {k: t.name for k, t in load_templates()[0].meeting_types.items()}
        doc = subject_access_document(
            data,
            names=lambda node_id: recorded_by(node, node_id, volunteer_name),
            meeting_types=types,
            annex=annex,
            made_at=_now(node),
        )
        payload = render(doc, fmt)
    write_new_file(out, payload)
    audit.append(node, "subject_access", f"{data['subject_access_export']} {fmt}", case_id=case_id)
    return out


def recorded_by(node: Any, node_id: str, volunteer_name: Any) -> str:
    """Who made a record, in words: a volunteer's name or "the office", never an id."""
    if node_id and node_id == node.node_id:
        return "the office"
    name = volunteer_name(node, node_id) if node_id else ""
    if not name or name == node_id[:8]:  # not on the roster: no name to give
        return "a volunteer no longer on the roster" if node_id else "an unknown person"
    return str(name)


def _now(node: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(node.now())
