"""One case: overview, consent, meetings, notes and contacts, in tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from ips_field.domain.language import flag_mark
from ips_field.domain.records import Case, Consent, Contact, Meeting
from ips_field.domain.shown import shown
from ips_field.domain.ukdates import show_date, show_datetime
from ips_field.domain.vocabulary import CONSENT_PURPOSES, VOICES, VOLUNTEER_ROLES
from ips_field.errors import ValidationError
from ips_field.templates.schema import Source
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.screens.case_work import CaseHost, add_note, log_contact, reopen_case
from ips_field.tui.screens.consent import how_given_words
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.table import Table, replacement
from ips_field.tui.widgets.timeline_actions import TimelineActions
from ips_field.tui.widgets.timeline_view import TimelineView

CHECK_OUTCOMES = {
    "clear": "no conflict found",
    "warn": "possible conflict",
    "block": "blocked: you cannot take this case",
}


class CaseScreen(TimelineActions, SessionScreen):
    # The footer shows what a volunteer needs most, in this order, so that it fits 80
    # columns; every key is also in the palette (ctrl+p) and in F1 help.
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("o", "conflict", "Conflict check", id="conflict"),
        Binding("k", "consent", "Consent", id="consent"),
        Binding("m", "new_meeting", "Meeting", id="new_meeting"),
        Binding("t", "note", "Note", id="note"),
        Binding("a", "contact", "Contact", id="contact"),
        Binding("s", "summary", "Summary", id="summary", show=False),
        Binding("e", "edit", "Edit case", id="edit", show=False),
        Binding("w", "withdraw", "Withdraw consent", id="withdraw", show=False),
        Binding("x", "close_case", "Close case", id="close_case", show=False),
        Binding("r", "reopen", "Reopen case", id="reopen", show=False),
        Binding("g", "signpost", "Signpost", id="signpost", show=False),
        Binding("v", "evaluation", "Evaluation sent", id="evaluation", show=False),
        Binding("d", "key_date", "Key date", id="key_date", show=False),
    ]

    def __init__(self, case_id: str, *, note_id: str | None = None) -> None:
        """``note_id``: open on the Notes tab with that note highlighted (from a search)."""
        super().__init__()
        self.case_id = case_id
        self.open_on_note = note_id

    @property
    def case(self) -> Case:
        case: Case | None = self.session.repo.get(Case, self.case_id)
        assert case is not None
        return case

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-title", classes="title", markup=False)
        yield Static("", id="badges")
        with TabbedContent(id="tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                yield Static("", id="overview-text", markup=False)
            with TabPane("Consent", id="consent-tab"):
                yield Table(id="consents", cursor_type="row")
            with TabPane("Meetings", id="meetings-tab"):
                yield Table(id="meetings", cursor_type="row")
            with TabPane("Notes", id="notes-tab"):
                yield Table(id="notes", cursor_type="row")
            with TabPane("Contacts", id="contacts-tab"):
                yield Table(id="contacts", cursor_type="row")
            with TabPane("Timelines", id="timelines-tab"):
                yield TimelineView(id="timelines")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#consents", DataTable).add_columns(
            "Purpose", "State", "Given by", "Given on", "How", "Expires", "Withdrawn"
        )
        self.query_one("#meetings", DataTable).add_columns(
            "When", "Type", "Your role", "Status", "Prepared"
        )
        notes = self.query_one("#notes", Table)
        # Voice and who share a column, and the note wraps in what the screen leaves, so
        # that at 80 columns a note is read whole rather than cut after a few words.
        notes.add_column("Written", width=16)
        notes.add_column("Voice, who", width=18)
        notes.add_column("Wording", width=10)
        notes.add_column("Note", width=max(20, self.app.size.width - 54))
        self.query_one("#contacts", DataTable).add_columns(
            "On", "How", "With", "Minutes", "Summary"
        )
        self.refresh_all()
        if self.open_on_note:
            self.query_one("#tabs", TabbedContent).active = "notes-tab"
            notes.put_cursor_on(self.open_on_note)
            notes.focus()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    def refresh_all(self) -> None:
        if self.ips.session is None:
            return
        s = self.session
        if s.repo.get(Case, self.case_id) is None:  # it left the laptop (retention, erasure)
            if self.app.screen is self:
                self.app.pop_screen()
            return
        case = self.case
        family = s.family(case.id)
        child = s.child(case.id)
        self.query_one("#case-title", Static).update(
            shown(f"{s.case_label(case)} · {case.school} · {case.status}")
        )
        parts: list[tuple[str, str]] = []
        summary = s.consent_summary(case.id)
        style = "$success" if summary == "All current" else "bold $error"
        parts.append((f" Consent: {summary} ", style))
        if case.blocked_reason:
            parts.append((f" BLOCKED: {case.blocked_reason} ", "bold $error"))
        self.query_one("#badges", Static).update(Content.assemble(*parts))
        lines = [
            f"Reference: {case.reference}",
            f"Status: {case.status}"
            + (
                f" (closed {show_date(case.closed_on)}: {case.outcome})"
                if case.status == "closed"
                else ""
            ),
            f"Opened: {show_date(case.opened_on)}",
            f"School or setting: {case.school}",
            f"Local authority: {case.local_authority}",
        ]
        for contact in case.la_contacts:
            c = contact.get
            lines.append(f"  LA contact: {c('name', '')} ({c('role', '')}) {c('phone', '')}")
        if family:
            lines.append(f"Family: {family.family_name}, area {family.area}")
            for p in family.parents:
                g = p.get
                # Empty parts left out (a dangling "access:" read as unfinished, in tmux).
                who = f"{g('name', '')} ({g('relationship', '')})"
                reach = " ".join(x for x in (g("phone", ""), g("email", "")) if x)
                lines.append(f"  {who} {reach}".rstrip())
                more = [
                    f"{label}: {g(key)}"
                    for label, key in (("Language", "language"), ("Access needs", "access_needs"))
                    if g(key)
                ]
                if more:
                    lines.append("    " + " · ".join(more))
        if child:
            age = child.year_group or (
                f"born {show_date(child.date_of_birth)}" if child.date_of_birth else ""
            )
            lines.append(f"Child: {child.name}, {age}, EHC plan: {child.ehcp_status}")
            lines.append(f"  Needs: {child.needs}")
        from ips_field.actions.volunteer.conflict_checks import checks_for
        from ips_field.domain.records import Signposting

        for check in checks_for(s.repo, case.id)[-3:]:
            why = f" (reason: {check.override_reason})" if check.override_reason else ""
            lines.append(
                f"Conflict check {show_date(check.checked_at)} ({check.trigger}): "
                f"{CHECK_OUTCOMES.get(check.outcome, check.outcome)}{why}"
            )
        for sp in s.repo.for_case(Signposting, case.id):
            lines.append(f"Signposted to {sp.source_name} on {show_date(sp.on)}")
        self.query_one("#overview-text", Static).update(shown("\n".join(lines), multiline=True))
        self._fill_consents()
        self._fill_meetings()
        self._fill_notes()
        self._fill_contacts()
        self._fill_timelines()

    def _fill_consents(self) -> None:
        table = self.query_one("#consents", Table)
        keep, row = table.cursor_key(), table.cursor_row
        table.clear()
        today = self.session.today()
        for c in sorted(
            self.session.repo.for_case(Consent, self.case_id), key=lambda c: c.given_on
        ):
            table.add_row(
                CONSENT_PURPOSES.get(c.purpose, c.purpose),
                c.state_on(today),
                c.given_by,
                show_date(c.given_on),
                how_given_words(c.how_given),
                show_date(c.expires_on),
                show_date(c.withdrawn_on),
                key=c.id,
            )
        table.put_cursor_on(keep, fallback=row)

    def _fill_meetings(self) -> None:
        table = self.query_one("#meetings", Table)
        keep, row = table.cursor_key(), table.cursor_row
        table.clear()
        types = self.ips.templates.meeting_types
        for m in sorted(
            self.session.repo.for_case(Meeting, self.case_id), key=lambda m: m.starts_at
        ):
            mtype = types.get(m.meeting_type)
            total = len(mtype.checklist) if mtype else 0
            done = sum(1 for v in m.checklist.values() if v)
            table.add_row(
                show_datetime(m.starts_at),
                mtype.name if mtype else m.meeting_type,
                VOLUNTEER_ROLES.get(m.volunteer_role, m.volunteer_role),
                m.status,
                f"{done}/{total}",
                key=m.id,
            )
        table.put_cursor_on(keep, fallback=row)

    def _fill_notes(self) -> None:
        """The current notes; the cursor stays on the note it was on, or on the correction
        that replaced it, so that History and Correct act on the note the volunteer chose."""
        table = self.query_one("#notes", Table)
        keep, row = table.cursor_key(), table.cursor_row
        table.clear()
        notes = self.session.repo.current_notes(self.case_id)
        replaced = {n.supersedes: n.id for n in notes if n.supersedes}
        for n in notes:
            who = n.speaker or n.owner
            mark = " (corrected)" if n.supersedes else ""
            voice = VOICES.get(n.voice, n.voice) + mark + (f", {who}" if who else "")
            table.add_row(
                show_datetime(n.written_at),
                Text(shown(voice), overflow="fold"),
                flag_mark(n.flags),
                Text(shown(n.text, multiline=True), overflow="fold"),  # literal, wrapped
                key=n.id,
                height=None,
            )
        table.put_cursor_on(replacement(keep, replaced), fallback=row)

    def _fill_contacts(self) -> None:
        from ips_field.tui.screens.case_work import CONTACT_TYPES

        how = {key: words for words, key in CONTACT_TYPES}
        table = self.query_one("#contacts", Table)
        keep, row = table.cursor_key(), table.cursor_row
        table.clear()
        for c in sorted(self.session.repo.for_case(Contact, self.case_id), key=lambda c: c.on):
            table.add_row(
                show_date(c.on),
                how.get(c.method, c.method),
                c.with_whom,
                str(c.minutes),
                c.summary[:60],
                key=c.id,
            )
        table.put_cursor_on(keep, fallback=row)

    # -- actions ----------------------------------------------------------------------

    def action_edit(self) -> None:
        from ips_field.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen(self.case_id))

    def action_consent(self) -> None:
        from ips_field.tui.screens.consent import ConsentDialog

        def done(consent: Consent | None) -> None:
            if consent is not None:  # written by the dialog, through the repository's rules
                self.notify(f"Consent recorded: {CONSENT_PURPOSES[consent.purpose]}")
                self.refresh_all()

        self.app.push_screen(
            ConsentDialog(
                self.case_id,
                self.session.today().isoformat(),
                given_by=self.session.parent_names(self.case_id),
                save=self.session.repo.save,
            ),
            done,
        )

    def action_withdraw(self) -> None:
        """Withdraw the consent on the highlighted row of the Consent tab. The tab opens
        with the table focused (so the cursor shows), the cursor moves off a withdrawn row
        onto a current one, and the question names the consent it will withdraw."""
        table = self.query_one("#consents", Table)
        self.query_one("#tabs", TabbedContent).active = "consent-tab"
        table.focus()
        if table.row_count == 0:
            self.notify("No consent to withdraw", severity="warning")
            return
        repo = self.session.repo
        consent = repo.get(Consent, table.cursor_key() or "")
        if consent is None or consent.withdrawn_on:
            current = [c for c in repo.for_case(Consent, self.case_id) if not c.withdrawn_on]
            if not current:
                self.notify("Every consent here is already withdrawn", severity="warning")
                return
            table.put_cursor_on(*(c.id for c in sorted(current, key=lambda c: c.given_on)))
            consent = repo.get(Consent, table.cursor_key() or "")
            if consent is None:
                return
        chosen = consent
        purpose = CONSENT_PURPOSES.get(chosen.purpose, chosen.purpose)
        given = f"given by {chosen.given_by}, " if chosen.given_by else ""

        def done(reason: str | None) -> None:
            if reason:
                repo.save(
                    chosen.replace(
                        withdrawn_on=self.session.today().isoformat(), withdrawal_reason=reason
                    )
                )
                self.notify(f"Consent withdrawn: {purpose}")
                self.refresh_all()

        self.app.push_screen(
            AskDialog(
                f"Withdraw consent to: {purpose} ({given}{show_date(chosen.given_on)}). "
                "Why is it withdrawn? (Esc: keep it)",
                draft_key=f"withdraw:{chosen.id}",
            ),
            done,
        )

    def action_new_meeting(self) -> None:
        from ips_field.tui.screens.meeting_prep import NewMeetingDialog

        refusal = self.session.meeting_refusal(self.case_id)
        if refusal:
            where = " (Conflict check: o)" if self.case.blocked_reason else " (Consent: k)"
            self.notify(refusal + where, severity="error", timeout=12)
            return
        self.app.push_screen(NewMeetingDialog(self.case_id), self._meeting_created)

    def _meeting_created(self, meeting: Meeting | None) -> None:
        if meeting is not None:
            from ips_field.tui.screens.meeting_prep import MeetingPrepScreen

            try:
                meeting = self.session.repo.save(meeting)
            except ValidationError as err:
                self.notify(err.plain, severity="error", timeout=10)
                return
            self.app.push_screen(MeetingPrepScreen(meeting.id))

    @on(DataTable.RowSelected, "#meetings")
    def _open_meeting(self, event: DataTable.RowSelected) -> None:
        from ips_field.tui.screens.meeting_prep import MeetingPrepScreen

        self.app.push_screen(MeetingPrepScreen(str(event.row_key.value)))

    @on(DataTable.RowSelected, "#notes")
    def _correct_note(self, event: DataTable.RowSelected) -> None:
        from ips_field.tui.screens.summary import NoteHistoryScreen

        self.app.push_screen(NoteHistoryScreen(str(event.row_key.value)))

    def action_summary(self) -> None:
        from ips_field.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.case_id))

    def action_contact(self) -> None:
        log_contact(self)

    def action_note(self) -> None:
        add_note(self)

    def action_reopen(self) -> None:
        reopen_case(self)

    def action_signpost(self) -> None:
        from ips_field.actions.volunteer.signposting import is_stale, record_signposting
        from ips_field.tui.screens.signposting import SignpostDialog

        s = self.session
        sources = self.ips.templates.signposting_for(s.profile.id)
        stale = {x.id for x in sources if is_stale(x, s.today(), s.profile.stale_information_days)}

        def picked(source: Source | None) -> None:
            if source is not None:
                record_signposting(s.repo, self.case_id, source, s.today())
                self.notify(shown(f"Signposted to {source.name}"), markup=False)
                self.refresh_all()

        self.app.push_screen(SignpostDialog(sources, stale), picked)

    def action_evaluation(self) -> None:
        from ips_field.actions.volunteer.evaluations import may_contact_for_evaluation
        from ips_field.tui.screens.evaluations import EvaluationSentDialog

        s = self.session
        if not may_contact_for_evaluation(s.repo, self.case_id, s.today()):
            self.notify(
                "No current consent to contact for evaluation: record it first (k)",
                severity="warning",
            )
            return
        stage = "closing" if self.case.status == "closed" else "midway"
        self.app.push_screen(
            EvaluationSentDialog(self.case_id, stage), lambda _: self.refresh_all()
        )

    def action_conflict(self) -> None:
        from ips_field.actions.volunteer.conflict_checks import assess_case, run_conflict_check

        result = assess_case(self.session.repo, self.case_id)
        if result.outcome == "clear":
            run_conflict_check(self.session.repo, self.case_id, trigger="checked by volunteer")
            self.notify("No conflict of interest found; the check is kept on the case")
            self.refresh_all()
            return
        self.ips.show_conflict(self.case_id, result, "checked by volunteer")

    def action_close_case(self) -> None:
        case = self.case
        if case.status == "closed":
            self.notify("This case is already closed", severity="warning")
            return

        def done(outcome: str | None) -> None:
            if not outcome:
                return
            self.session.repo.save(
                case.replace(
                    status="closed", closed_on=self.session.today().isoformat(), outcome=outcome
                )
            )
            self.refresh_all()
            self.ips.after_case_closed(self.case_id)

        self.app.push_screen(
            AskDialog("Close this case. What was the outcome?", draft_key=f"close:{case.id}"),
            done,
        )


if TYPE_CHECKING:

    def _gives_case_work_what_it_uses(screen: CaseScreen) -> CaseHost:
        """For mypy only: the case screen is what ``case_work``'s actions expect."""
        return screen
