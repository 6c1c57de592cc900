"""Meeting preparation: checklist, the parent's views, the volunteer's role and statement.

"Represent" is refused without current consent to represent the parent's views: the
policies allow speaking for the parent only with their permission.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from ips_field.actions.volunteer.preparation import WHEN_FORMAT
from ips_field.domain.approval import approval_text
from ips_field.domain.records import Meeting
from ips_field.domain.shown import shown
from ips_field.domain.statutory import checklist_suffix
from ips_field.domain.ukdates import show_date, show_datetime, to_iso_datetime
from ips_field.domain.vocabulary import APPROVAL_HOW, VOLUNTEER_ROLES
from ips_field.errors import ValidationError
from ips_field.tui.drafts import DialogDraftsMixin
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.checklist import Checklist, Tick
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.scrolling import SETTLED, top_if_it_fits

PARTY_NAMES = {
    "parent": "Parent or carer",
    "school": "School or setting",
    "local_authority": "Local authority",
    "ips_volunteer": "You, the IPS volunteer",
}


class NewMeetingDialog(DialogDraftsMixin, ModalScreen[Meeting | None]):
    """Pick the meeting type, when and where (typing kept as a draft; Esc asks)."""

    BINDINGS = [
        Binding("escape", "leave_form", "Cancel"),
        Binding("ctrl+s", "create", "Create", priority=True),
    ]
    DRAFT_FIELDS = ("when", "place")
    DRAFT_LABEL = "a new meeting"
    AUTO_FOCUS = "#place"  # from the first moment: keys typed at once must not pick a type

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.dialog_draft_key = case_id

    def compose(self) -> ComposeResult:
        types = self.app.templates.meeting_types  # type: ignore[attr-defined]
        tomorrow = self.app.today() + dt.timedelta(days=1)  # type: ignore[attr-defined]
        with VerticalScroll(classes="dialog form"):
            yield Static("New meeting (ctrl+s creates)", classes="title")
            yield Label("Meeting type")
            yield Select([(t.name, t.id) for t in types.values()], allow_blank=False, id="type")
            yield Label("Date and time (DD/MM/YYYY HH:MM)")
            yield Input(
                select_on_focus=False, value=f"{show_date(tomorrow.isoformat())} 10:00", id="when"
            )
            yield Label("Place")
            yield Input(select_on_focus=False, id="place")
            yield Static("", id="problem", classes="field-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Create", id="create", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_screen_resume(self) -> None:
        """Shown the first time: from the top, the meeting's type in view (at 80x24 it
        opened scrolled past it, found in tmux)."""
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.set_timer(
                SETTLED, partial(top_if_it_fits, self.query_one(VerticalScroll), self.focused)
            )

    def action_create(self) -> None:
        self._create()

    @on(Button.Pressed, "#create")
    @on(Input.Submitted)
    def _create(self) -> None:
        when = to_iso_datetime(self.query_one("#when", Input).value)
        meeting = Meeting(
            case_id=self.case_id,
            meeting_type=str(self.query_one("#type", Select).value),
            starts_at=when,
            place=self.query_one("#place", Input).value.strip(),
        )
        try:
            meeting.validate()
        except ValidationError as err:
            messages = dict(err.errors)
            if "starts_at" in messages:  # in the form's own format, not the stored one
                messages["starts_at"] = WHEN_FORMAT
            self.query_one("#problem", Static).update("; ".join(messages.values()))
            return
        self.finish(meeting)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave_form()


def parse_attendees(text: str) -> list[dict[str, str]]:
    """``Ms Senco (SENCO); Jo Caseworker (LA)`` → attendee dicts."""
    out = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, role = part.partition("(")
        out.append({"name": name.strip(), "role": role.rstrip(")").strip()})
    return out


def format_attendees(attendees: list[dict[str, str]]) -> str:
    return "; ".join(
        f"{a.get('name', '')} ({a['role']})" if a.get("role") else a.get("name", "")
        for a in attendees
    )


class MeetingPrepScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+r", "regenerate", "Statement from role", id="regenerate"),
        Binding("ctrl+g", "start", "Start meeting", id="start"),
        # priority: in a text box ctrl+e is "end of line", and the export did nothing there
        Binding(
            "ctrl+e", "export_views", "Export parent's views", id="export_views", priority=True
        ),
        Binding("ctrl+t", "reschedule", "Change date", id="reschedule", priority=True, show=False),
    ]

    AUTO_FOCUS = "#checklist"  # "space ticks an item" works at once
    DRAFT_FIELDS = ("attendees", "views", "wishes", "questions", "statement")
    DRAFT_LABEL = "a meeting preparation"

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    @property
    def meeting(self) -> Meeting:
        m = self.session.repo.get(Meeting, self.meeting_id)
        assert m is not None
        return m

    def compose(self) -> ComposeResult:
        m = self.meeting
        mtype = self.ips.templates.meeting_types.get(m.meeting_type)
        yield Header()
        yield Static(self._title(m), classes="title", id="prep-title", markup=False)
        yield Static("", id="prep-warning", classes="warning-box", markup=False)
        # The description and progress stay in view while the form below scrolls.
        yield Static(mtype.description if mtype else "", classes="hint", markup=False)
        yield Label("Checklist (space ticks an item)", id="progress-label")
        yield ProgressBar(
            total=max(1, len(mtype.checklist) if mtype else 1), show_eta=False, id="progress"
        )
        with VerticalScroll(classes="form", id="prep"):
            selections = []
            dates = self.session.checklist_dates(m.case_id)  # computed statutory dates
            if mtype:
                for section, items in mtype.sections():
                    for item in items:
                        when = checklist_suffix(dates.get(item.id))
                        selections.append(
                            (
                                Content(f"{section}: {item.text}{when}"),
                                item.id,
                                bool(m.checklist.get(item.id)),
                            )
                        )
            yield Checklist(*selections, id="checklist")
            yield Label("Who will attend (name (role); ...)")
            yield Input(select_on_focus=False, value=format_attendees(m.attendees), id="attendees")
            yield Label("The parent's views, in their words")
            yield TextArea(m.parent_views, id="views")
            yield Label("What the parent hopes for (wishes)")
            yield TextArea(m.parent_wishes, id="wishes")
            yield Static("", id="language", classes="warning-box", markup=False)
            yield Tick("The parent has approved this wording", m.parent_approved, id="approved")
            how = [(label, key) for key, label in APPROVAL_HOW.items()]
            yield Select(how, prompt="How the parent approved it", id="approved-how")
            yield Static(
                shown(approval_text(m), multiline=True), id="approval", classes="hint", markup=False
            )
            yield Label("Questions agreed with the parent (one per line)")
            yield TextArea("\n".join(m.questions), id="questions")
            yield Label("Your role in this meeting")
            yield Select(
                [(label, key) for key, label in VOLUNTEER_ROLES.items()],
                value=m.volunteer_role,
                allow_blank=False,
                id="role",
            )
            yield Static("", id="role-problem", classes="field-error", markup=False)
            yield Label("Role statement to read out at the start (you can edit it)")
            yield TextArea(m.role_statement or self._statement(m.volunteer_role), id="statement")
            yield Static("Rights and responsibilities", classes="title")
            yield Static(self._rights_text(), id="rights", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save-btn", variant="primary")
                yield Button("Start meeting", id="start-btn", variant="success")
        yield KeysFooter()

    def _title(self, m: Meeting) -> str:
        mtype = self.ips.templates.meeting_types.get(m.meeting_type)
        name = mtype.name if mtype else m.meeting_type
        return shown(f"Preparing: {name} · {show_datetime(m.starts_at)} · {m.place}")

    def action_reschedule(self) -> None:
        """Another date and time (the school moved it, or it is happening now): the
        preparation and any approval stay; a held meeting keeps its date."""
        from ips_field.actions.volunteer.preparation import reschedule
        from ips_field.tui.widgets.form_dialog import Field, FormDialog

        when = show_datetime(self.meeting.starts_at)

        def write(values: dict[str, str]) -> None:
            reschedule(self.session.repo, self.meeting_id, values["when"])

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                moved = self.meeting
                self.query_one("#prep-title", Static).update(self._title(moved))
                self.notify(f"Meeting moved to {show_datetime(moved.starts_at)}")

        self.app.push_screen(
            FormDialog(
                "Change the meeting's date and time",
                [Field("when", "Date and time (DD/MM/YYYY HH:MM)", value=when)],
                save=write,
                draft_key=f"reschedule-{self.meeting_id}",
            ),
            done,
        )

    def on_mount(self) -> None:
        m = self.meeting
        self._shown_role = m.volunteer_role
        if m.parent_approved_how in APPROVAL_HOW:
            self.query_one("#approved-how", Select).value = m.parent_approved_how
        self._update_progress()
        self._check_language()
        warnings = self._case_warnings()
        if m.volunteer_role == "represent" and not self._may_represent():
            # The permission is gone: the role and the statement follow consent as it is now.
            from ips_field.domain.rules import claims_represent

            self._shown_role = "support"
            self.query_one("#role", Select).value = "support"
            rewritten = ""
            if claims_represent(m.role_statement) or not m.role_statement:
                self.query_one("#statement", TextArea).text = self._statement("support")
                rewritten = " and the role statement was written again for it"
            warnings.insert(
                0,
                "The consent to represent the parent's views is no longer current, so your "
                f"role is now Support{rewritten}. Save (ctrl+s) to keep this.",
            )
        box = self.query_one("#prep-warning", Static)
        box.update("\n".join(warnings))
        box.display = bool(warnings)

    def _case_warnings(self) -> list[str]:
        from ips_field.domain.records import Case

        s = self.session
        case = s.repo.get(Case, self.meeting.case_id)
        out = []
        if case is not None and case.blocked_reason:
            out.append("Blocked: " + case.blocked_reason + " This preparation cannot be saved.")
        if not s.repo.has_consent(self.meeting.case_id, "record", s.today()):
            out.append(
                "No current consent to keep a record: this preparation cannot be saved and no "
                "notes can be taken until the parent's consent is recorded on the case."
            )
        return out

    def unsaved(self) -> bool:
        """Typed text, ticks, the role or the approval differ from the saved preparation."""
        if super().unsaved():
            return True
        if self.ips.session is None:
            return False
        return self._collect().to_dict() != self.meeting.to_dict()

    def _statement(self, role: str) -> str:
        s = self.session
        return s.profile.role_statement(
            role, s.volunteer_name, s.parent_names(self.meeting.case_id)
        )

    def _rights_text(self) -> str:
        mtype = self.ips.templates.meeting_types.get(self.meeting.meeting_type)
        if not mtype:
            return ""
        lines = []
        for party, items in mtype.rights.items():
            lines.append(PARTY_NAMES.get(party, party))
            lines += [f"  • {line}" for line in items]
        return "\n".join(lines)

    @on(SelectionList.SelectedChanged, "#checklist")
    def _update_progress(self) -> None:
        checklist = self.query_one("#checklist", SelectionList)
        done = len(checklist.selected)
        self.query_one("#progress", ProgressBar).update(progress=done)
        self.query_one("#progress-label", Label).update(
            f"Checklist: {done} of {checklist.option_count} done (space ticks an item)"
        )

    @on(TextArea.Changed, "#views")
    @on(TextArea.Changed, "#wishes")
    def _check_language(self) -> None:
        from ips_field.domain.language import check_text

        rules = self.ips.templates.language
        text = (
            self.query_one("#views", TextArea).text
            + "\n"
            + self.query_one("#wishes", TextArea).text
        )
        flags = check_text(text, rules)
        box = self.query_one("#language", Static)
        box.display = bool(flags)
        box.update(
            "\n".join(
                f'Directive wording "{f.phrase}": try "{f.alternative}" ({f.why})' for f in flags
            )
        )

    @on(Select.Changed, "#role")
    def _role_changed(self, event: Select.Changed) -> None:
        role = str(event.value)
        problem = self.query_one("#role-problem", Static)
        if getattr(self, "_bounced", False):  # our own reset after a refusal
            self._bounced = False
            return
        if role == getattr(self, "_shown_role", role):
            return  # the role as loaded (Select reports it on mount): keep an edited statement
        if role == "represent" and not self._may_represent():
            problem.update(
                "You cannot represent this parent: there is no current consent to represent "
                "their views. Record it on the case's Consent tab first."
            )
            saved = self.meeting.volunteer_role
            self._bounced = True
            cast("Select[str]", event.select).value = saved if saved != "represent" else "support"
            return
        problem.update("")
        self._shown_role = role
        self.query_one("#statement", TextArea).text = self._statement(role)

    def _may_represent(self) -> bool:
        s = self.session
        return s.repo.has_consent(self.meeting.case_id, "represent_views", s.today())

    def _collect(self) -> Meeting:
        m = self.meeting
        selected = set(self.query_one("#checklist", SelectionList).selected)
        mtype = self.ips.templates.meeting_types.get(m.meeting_type)
        ids = mtype.item_ids() if mtype else list(m.checklist)
        return m.replace(
            checklist={i: i in selected for i in ids},
            attendees=parse_attendees(self.query_one("#attendees", Input).value),
            parent_views=self.query_one("#views", TextArea).text,
            parent_wishes=self.query_one("#wishes", TextArea).text,
            parent_approved=self.query_one("#approved", Checkbox).value,
            questions=[
                q.strip()
                for q in self.query_one("#questions", TextArea).text.splitlines()
                if q.strip()
            ],
            volunteer_role=str(self.query_one("#role", Select).value),
            role_statement=self.query_one("#statement", TextArea).text,
        )

    def action_save(self) -> bool:
        meeting = self._collect()
        if meeting.volunteer_role == "represent" and not self._may_represent():
            self.notify(
                "Represent needs current consent to represent the parent's views", severity="error"
            )
            return False
        from ips_field.actions.volunteer.preparation import save_preparation

        how = self.query_one("#approved-how", Select)
        try:
            saved = save_preparation(
                self.session.repo,
                meeting,
                ticked=meeting.parent_approved,
                how="" if how.is_blank() else str(how.value),
            )
        except ValidationError as err:
            self.notify(err.plain, severity="error")
            return False
        self.draft_saved()
        self.query_one("#approval", Static).update(
            shown(approval_text(saved.meeting), multiline=True)
        )
        if saved.lapsed:
            self.query_one("#approved", Checkbox).value = False
            self.notify(
                "The views or questions changed, so the parent's approval has lapsed: "
                "ask them to approve the new wording",
                severity="warning",
            )
        else:
            self.notify("Preparation saved")
        return True

    def action_export_views(self) -> None:
        """The parent's views and questions as a file for the parent to read and approve."""
        from ips_field.documents import render
        from ips_field.documents.meeting import parent_views_document
        from ips_field.tui.screens.export_dialogs import ask_export

        if not self.action_save():
            return

        def make(fmt: str) -> bytes:
            m = self.meeting
            mtype = self.ips.templates.meeting_types.get(m.meeting_type)
            doc = parent_views_document(
                m,
                meeting_name=mtype.name if mtype else "meeting",
                volunteer=self.session.volunteer_name,
                made_at=self.session.repo.time.now(),
            )
            return render(doc, fmt)

        ask_export(self, "parents-views.docx", make)

    @on(Button.Pressed, "#save-btn")
    def _save_btn(self) -> None:
        self.action_save()

    def action_regenerate(self) -> None:
        self.query_one("#statement", TextArea).text = self._statement(
            str(self.query_one("#role", Select).value)
        )

    @on(Button.Pressed, "#start-btn")
    def _start_btn(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        refusal = self.session.meeting_refusal(self.meeting.case_id)
        if refusal:
            self.notify(refusal, severity="error", timeout=12)
            return
        if self.action_save():
            from ips_field.tui.screens.meeting_mode import MeetingModeScreen

            self.app.push_screen(MeetingModeScreen(self.meeting_id))

    def action_back(self) -> None:
        self.action_leave_form()
