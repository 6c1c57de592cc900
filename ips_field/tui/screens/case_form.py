"""New or edit case: case, family and parent or carer, child, school, local authority contact.

Validation messages appear under the fields they are about; nothing is saved until every
record is valid, and then all of them are saved in one atomic write.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static

from ips_field.domain.records import Case, Child, Family
from ips_field.domain.references import provisional_reference
from ips_field.domain.ukdates import HINT, show_date, to_iso
from ips_field.domain.vocabulary import EHCP_STATUSES, REFERRAL_SOURCES
from ips_field.errors import ValidationError
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.scrolling import SETTLED, top_if_it_fits

# (widget id, label, record, field path)
FIELDS: list[tuple[str, str, str, str]] = [
    ("reference", "Case reference", "case", "reference"),
    ("school", "School or setting", "case", "school"),
    ("local_authority", "Local authority", "case", "local_authority"),
    ("la_name", "Local authority contact: name", "case", "la_contacts.0.name"),
    ("la_role", "Local authority contact: role", "case", "la_contacts.0.role"),
    ("la_phone", "Local authority contact: phone", "case", "la_contacts.0.phone"),
    ("family_name", "Family name", "family", "family_name"),
    ("area", "Family's area (neighbourhood or postcode district)", "family", "area"),
    ("parent_name", "Parent or carer: name", "family", "parents.0.name"),
    ("parent_relationship", "Relationship to the child", "family", "parents.0.relationship"),
    ("parent_phone", "Phone", "family", "parents.0.phone"),
    ("parent_email", "Email", "family", "parents.0.email"),
    ("parent_language", "Language", "family", "parents.0.language"),
    ("parent_access", "Access needs", "family", "parents.0.access_needs"),
    ("child_name", "Child's name", "child", "name"),
    ("date_of_birth", f"Child's date of birth ({HINT})", "child", "date_of_birth"),
    ("year_group", "Year group", "child", "year_group"),
    ("needs", "Needs", "child", "needs"),
]
ERROR_FIELD = {(rec, path): wid for wid, _, rec, path in FIELDS}
ERROR_FIELD[("family", "parents")] = "parent_name"


class CaseFormScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "leave_form", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]
    DRAFT_FIELDS = tuple(wid for wid, *_ in FIELDS)
    DRAFT_LABEL = "a case form"

    def __init__(self, case_id: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        if not case_id:  # the reference is filled in: typing starts at the school
            setattr(self, "AUTO_FOCUS", "#school")  # noqa: B010 - per form, a ClassVar

    def compose(self) -> ComposeResult:
        yield Header()
        title = "Edit case" if self.case_id else "New case"
        yield Static(f"{title} (ctrl+s saves)", classes="title")
        with VerticalScroll(classes="form", id="form"):
            for wid, label, _, _ in FIELDS:
                yield Label(label)
                yield Input(select_on_focus=False, id=wid)
                yield Static("", id=f"err-{wid}", classes="field-error", markup=False)
            yield Label("EHC plan status")
            yield Select(
                [(s, s) for s in EHCP_STATUSES], value="none", allow_blank=False, id="ehcp"
            )
            yield Label("Referred by (counted in the reports, never named)")
            yield Select(
                [(label, key) for key, label in REFERRAL_SOURCES.items()],
                prompt="Not recorded",
                id="referral",
            )
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeysFooter()

    def on_screen_resume(self) -> None:
        """Shown the first time: from the top when the focused box shows there."""
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.set_timer(
                SETTLED,
                partial(top_if_it_fits, self.query_one("#form", VerticalScroll), self.focused),
            )

    def on_mount(self) -> None:
        self._fill()
        # Focus where a person starts typing (the first empty box), not the scrolling
        # form around the boxes, which would swallow what is typed the moment it opens.
        boxes = [self.query_one(f"#{wid}", Input) for wid, *_ in FIELDS]
        box = next((b for b in boxes if not b.value), boxes[0])
        box.focus()

    def _fill(self) -> None:
        if not self.case_id:
            self.query_one("#reference", Input).value = self._next_reference()
            return
        repo = self.session.repo
        case = repo.get(Case, self.case_id)
        assert case is not None
        records = {
            "case": case.to_dict(),
            "family": (self.session.family(case.id) or Family(case_id=case.id)).to_dict(),
            "child": (self.session.child(case.id) or Child(case_id=case.id)).to_dict(),
        }
        for wid, _, rec, path in FIELDS:
            value = str(_get(records[rec], path) or "")
            self.query_one(f"#{wid}", Input).value = (
                show_date(value) if wid == "date_of_birth" else value
            )
        self.query_one("#ehcp", Select).value = records["child"].get("ehcp_status") or "none"
        if case.referral_source in REFERRAL_SOURCES:
            self.query_one("#referral", Select).value = case.referral_source

    def _next_reference(self) -> str:
        """Provisional (``P-<volunteer code>-0001``): every laptop numbering its cases from
        C0001 made the same reference twice at the office, which issues the service's own
        reference at import (``docs/sync.md`` "Case references")."""
        repo = self.session.repo
        existing = {c.reference for c in repo.all(Case, include_deleted=True)}
        return provisional_reference(repo.node_id, existing)

    def _values(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {"case": {}, "family": {}, "child": {}}
        for wid, _, rec, path in FIELDS:
            _set(out[rec], path, self.query_one(f"#{wid}", Input).value.strip())
        out["child"]["ehcp_status"] = self.query_one("#ehcp", Select).value
        referral = self.query_one("#referral", Select)
        out["case"]["referral_source"] = "" if referral.is_blank() else str(referral.value)
        if not any(out["case"].get("la_contacts", [{}])[0].values()):
            out["case"]["la_contacts"] = []
        if not out["child"].get("date_of_birth"):
            out["child"]["date_of_birth"] = None
        else:  # typed the UK way or ISO; stored ISO
            out["child"]["date_of_birth"] = to_iso(out["child"]["date_of_birth"])
        return out

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()

    def action_save(self) -> None:
        for wid, *_ in FIELDS:
            self.query_one(f"#err-{wid}", Static).update("")
        repo = self.session.repo
        values = self._values()
        today = self.session.today().isoformat()
        if self.case_id:
            case = repo.get(Case, self.case_id)
            assert case is not None
            family = self.session.family(case.id) or Family(case_id=case.id)
            child = self.session.child(case.id) or Child(case_id=case.id)
            old_family = family.parents
            family_lists = {
                "parents": [
                    {**(old_family[0] if old_family else {}), **values["family"]["parents"][0]}
                ]
            }
        else:
            case = Case(opened_on=today, assigned_to=repo.node_id)
            family = Family(case_id=case.id)
            child = Child(case_id=case.id)
            family_lists = {}
        case = case.replace(**values["case"])
        family = family.replace(**{**values["family"], **family_lists}, case_id=case.id)
        child = child.replace(**values["child"], case_id=case.id)
        problems: dict[str, str] = {}
        for name, record in (("case", case), ("family", family), ("child", child)):
            try:
                record.validate()
            except ValidationError as err:
                for field, message in err.errors.items():
                    target = ERROR_FIELD.get((name, field)) or ERROR_FIELD.get(
                        (name, field.split(".")[0])
                    )
                    problems.setdefault(target or "reference", message)
        if problems:
            for wid, message in problems.items():
                self.query_one(f"#err-{wid}", Static).update(message)
            first = next(iter(problems))
            self.query_one(f"#{first}", Input).focus()
            self.notify(f"{len(problems)} field(s) need attention", severity="warning")
            return
        before = (
            repo.get(Case, case.id),
            self.session.family(case.id),
            self.session.child(case.id),
        )
        with repo.transaction():
            case = repo.save(case)
            family = repo.save(family)
            child = repo.save(child)
        changed = (
            before[0] is None
            or before[0].school != case.school
            or before[1] is None
            or (before[1].parents, before[1].area) != (family.parents, family.area)
            or before[2] is None
            or before[2].name != child.name
        )
        self.draft_saved()
        self.app.pop_screen()
        self.ips.after_case_saved(case.id, created=self.case_id is None, recheck=changed)


def _get(doc: dict[str, Any], path: str) -> Any:
    cur: Any = doc
    for part in path.split("."):
        if isinstance(cur, list):
            idx = int(part)
            cur = cur[idx] if idx < len(cur) else None
        elif isinstance(cur, dict):
            cur = cur.get(part)
        if cur is None:
            return None
    return cur


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    if len(parts) == 1:
        doc[parts[0]] = value
        return
    name, idx, key = parts
    items = doc.setdefault(name, [])
    while len(items) <= int(idx):
        items.append({})
    items[int(idx)][key] = value
