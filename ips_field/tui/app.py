"""The volunteer's app: unlock, then dashboard, cases, meetings. ``make_app`` is the seam.

The app holds a :class:`Session` only while the store is unlocked. Locking (idle timeout or
the quick-lock key) keeps every draft, drops the data key in the store, forgets the session
and covers the whole screen stack with the lock screen, at once. Unlocking takes the lock
screen away: the volunteer is back on the screen they left, with what they were typing.
After an unexpected error (the app locked itself) unlocking goes to the dashboard instead,
and each screen offers back its draft when it is opened again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from ips_field.domain.clock import Clock, default_clock
from ips_field.errors import TemplateError
from ips_field.store.repository import Repository
from ips_field.templates import Templates, load_templates
from ips_field.tui.case_finder import CaseFinder
from ips_field.tui.lockable import LockableApp
from ips_field.tui.session import Session

if TYPE_CHECKING:
    from ips_field.tui.protocols import VolunteerHost
    from ips_field.tui.screens.case_view import CaseScreen

TEMPLATES_ENV = "IPS_FIELD_TEMPLATES"  # a service's override folder


class IpsApp(LockableApp):
    """ips-field for volunteers."""

    CSS_PATH = "app.tcss"
    COMMANDS = LockableApp.COMMANDS | {CaseFinder}
    LOCK_KEEPS_SCREENS = True
    KEEPS_DRAFTS = True
    TITLE = "ips-field"
    SUB_TITLE = "ctrl+l locks · F1 help"

    def __init__(
        self,
        *,
        session: Session | None = None,
        store_path: Path | None = None,
        templates: Templates | None = None,
        template_errors: Iterable[TemplateError] = (),
        clock: Clock | None = None,
        idle_minutes: float | None = None,
        kdf: Any = None,
        unlock_hint: str = "",
    ) -> None:
        super().__init__()
        self.apply_settings(idle_minutes)
        self.unlock_hint = unlock_hint
        if templates is None:
            override = os.environ.get(TEMPLATES_ENV)
            templates, errors = load_templates(Path(override) if override else None)
            template_errors = [*template_errors, *errors]
        self.templates = templates
        self.template_errors = [str(e) for e in template_errors]
        self.session = session
        self.store_path = store_path
        self.clock = clock or (session.repo.time if session else default_clock())
        self.kdf = kdf  # only tests pass a cheap cost; None means calibrate
        self.locked_store: Any = session.store if session else None

    # -- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        for message in self.template_errors:
            self.notify(message, title="Template file ignored", severity="error", timeout=15)
        for message in self.prefs.problems if self.prefs else ():
            self.notify(message, title="Settings", severity="warning", timeout=15)
        self.start_idle_timer()
        if self.session is not None:
            self._show_home()
        elif self.store_path is not None and self.store_path.exists():
            self._show_unlock()
        else:
            from ips_field.tui.screens.wizard import WizardScreen

            self.push_screen(WizardScreen())

    def _show_home(self) -> None:
        from ips_field.tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen())

    def _show_unlock(self) -> None:
        from ips_field.tui.screens.unlock import UnlockScreen

        self.push_screen(UnlockScreen())

    def unlocked(self, store: Any) -> None:
        """Called by the unlock or wizard screen once the store is open."""
        from sync.erasure import finish_owed_scrub
        from sync.keys import IDENTITY_DOC, IDENTITY_TABLE

        identity = store.table(IDENTITY_TABLE).get_id(IDENTITY_DOC)
        if identity is not None and identity.get("role") == "office":
            store.close()  # the office's master record: every volunteer's cases
            self.locked_store = None
            self.notify(
                "Not opened: that is the office's master record; use ips-office.",
                severity="error",
                timeout=10,
            )
            self.pop_screen()
            self._show_unlock()
            return
        self.locked_store = store
        finish_owed_scrub(store)  # an erasure a crash interrupted is finished before anything
        self.session = Session(
            Repository(store, clock=self.clock, rules=True), store, self.templates
        )
        self.touch()
        self.lock_message = ""
        purged = self._purge_at_unlock(store)
        # A screen left open may show a case that has just left: then go home.
        resume = len(self.screen_stack) > 2 and not self.crashed and not purged
        self.crashed = False
        if resume:
            self.pop_screen()  # only the lock screen: back to exactly where they were
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_home()

    def _purge_at_unlock(self, store: Any) -> bool:
        """Retention (DESIGN.md §5): closed cases the office has held for the retention
        period leave the laptop; one line says what left and why. True if any left."""
        from ips_field.actions.volunteer.retention import purge_at_unlock
        from ips_field.errors import IpsError
        from sync.node import SyncNode

        assert self.session is not None
        try:
            node = SyncNode(store, "volunteer", repo=self.session.repo)
            run = purge_at_unlock(node, self.session.profile.retention_days_after_confirmation)
        except (IpsError, ValueError):  # not enrolled, or the disk refused: tried next time
            return False
        if run is None:
            return False
        self.notify(run.line() + " (the log: Sync screen, key l)", title="Retention", timeout=20)
        return True

    def after_case_saved(self, case_id: str, *, created: bool, recheck: bool = True) -> None:
        """Open a new case, and check it against the declared interests (DESIGN.md §7)."""
        from ips_field.actions.volunteer.conflict_checks import run_conflict_check

        if created:
            from ips_field.tui.screens.case_view import CaseScreen

            self.push_screen(CaseScreen(case_id))
        if created or recheck:
            trigger = "case created" if created else "case changed"
            outcome = run_conflict_check(self.session.repo, case_id, trigger=trigger)
            if outcome.result.outcome != "clear":
                self.show_conflict(case_id, outcome.result, trigger)

    def show_conflict(self, case_id: str, result: Any, trigger: str) -> None:
        from ips_field.actions.volunteer.conflict_checks import run_conflict_check
        from ips_field.tui.screens.conflict_dialog import ConflictDialog

        def answered(reason: str | None) -> None:
            if reason and self.session is not None:
                run_conflict_check(
                    self.session.repo, case_id, trigger=trigger, override_reason=reason
                )
                self.notify("Reason recorded; the check is kept on the case for the office")
            if isinstance(self.screen, _refreshable()):
                self.screen.refresh_all()

        self.push_screen(ConflictDialog(result, case_id), answered)

    def after_case_closed(self, case_id: str) -> None:
        """Closing a case: prompt to send the evaluation when the parent agreed to be asked."""
        from ips_field.actions.volunteer.evaluations import may_contact_for_evaluation
        from ips_field.tui.screens.evaluations import EvaluationSentDialog

        if self.session and may_contact_for_evaluation(self.session.repo, case_id, self.today()):
            self.push_screen(EvaluationSentDialog(case_id, "closing"))
        else:
            self.notify(
                "No consent to contact for evaluation: no evaluation will be sent", timeout=8
            )

    def search_notes(self) -> None:
        """The search across the volunteer's own notes (dashboard key and palette)."""
        from ips_field.tui.screens.note_search import NoteSearchScreen

        if self.session is not None:
            self.push_screen(NoteSearchScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        here = {a.binding.action for a in screen.active_bindings.values()}
        if self.session is not None and "search_notes" not in here:
            yield SystemCommand(
                "Search notes", "Find words in your notes on every case", self.search_notes
            )

    def action_help(self) -> None:
        from ips_field.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def _refreshable() -> type[CaseScreen]:
    from ips_field.tui.screens.case_view import CaseScreen

    return CaseScreen


if TYPE_CHECKING:

    def _provides_what_screens_need(app: IpsApp) -> VolunteerHost:
        """For mypy only: the volunteer screens get everything they use of the app."""
        return app


def make_app(
    *,
    repository: Repository | None = None,
    store: Any = None,
    store_path: Path | None = None,
    templates: Templates | None = None,
    config: dict[str, Any] | None = None,
    clock: Clock | None = None,
) -> IpsApp:
    """Build the app: with a repository (tests, demo) or a store path (real use)."""
    config = config or {}
    session = None
    if repository is not None:
        tpl = templates or load_templates()[0]
        repository.enforce_rules = True  # the app writes only through the rules
        session = Session(repository, store or repository.store, tpl)
        templates = tpl
    return IpsApp(
        session=session,
        store_path=store_path,
        templates=templates,
        template_errors=config.get("template_errors", ()),
        clock=clock,
        idle_minutes=config.get("idle_minutes"),
        kdf=config.get("kdf"),
    )


def run_app(store_path: Path, *, unlock_hint: str = "") -> None:
    """Entry point used by ``ips-field`` and ``ips-field demo``."""
    app = make_app(store_path=Path(store_path))
    app.unlock_hint = unlock_hint
    app.run()
