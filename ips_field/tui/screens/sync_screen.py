"""Sync with the office: what is waiting to go, last sent and received, export and import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, LoadingIndicator, Static

from ips_field.domain.shown import shown
from ips_field.domain.words import when
from ips_field.errors import IpsError
from ips_field.tui.screens.base import SessionScreen
from ips_field.tui.widgets.dialogs import AskDialog
from ips_field.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from sync.node import SyncNode


NOT_ENROLLED = (
    "This computer is not enrolled with an office yet. Ask your supervisor for an "
    "invitation and run:  ips-field enrol INVITE --out FOLDER"
)


class SyncScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("x", "export", "Export to folder", id="export"),
        Binding("m", "import", "Import from folder", id="import"),
        Binding("l", "retention_log", "Retention log", id="retention-log"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Sync with the office", classes="title")
        yield Static("", id="status", markup=False)
        yield LoadingIndicator(id="working")
        yield Static("", id="result", markup=False, classes="hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#working").display = False
        self.refresh_status()

    def _node(self) -> SyncNode:
        from sync.node import SyncNode  # raises NotEnrolled before enrolment

        return SyncNode(self.session.store, "volunteer", repo=self.session.repo)

    def refresh_status(self) -> None:
        from sync.errors import NotEnrolled
        from sync.exchange import pending_count

        try:
            node = self._node()
        except NotEnrolled:  # a new volunteer's store: say what to do, not only what is not
            self.query_one("#status", Static).update(NOT_ENROLLED)
            return
        except (ValueError, IpsError) as err:
            self.query_one("#status", Static).update(str(err))
            return
        office = node.office_public
        if office is None:
            self.query_one("#status", Static).update(NOT_ENROLLED)
            return
        peer = node.peer(office.node_id)
        waiting = pending_count(node, office.node_id)
        lines = [
            (
                f"Waiting to go to the office: {waiting} changes\n"
                "  (a change stays listed until the office's reply says it arrived: import "
                "the reply; until then each export sends it again, which does no harm)"
                if waiting
                else "Everything you changed has reached the office."
            ),
            f"Last sent: {when(peer['last_sent_at'])}",
            f"Last received: {when(peer['last_received_at'])}",
            "Bundles are sealed to the office: a lost USB stick reveals nothing.",
        ]
        anchors = node.state.get("audit_anchors") or []
        if anchors:
            last = anchors[-1]
            lines.append(
                f"Office audit log head (received {str(last.get('received_at', ''))[:10]}): "
                f"{last.get('n')}:{str(last.get('hash', ''))[:16]}... — kept here so the "
                "office can show its log was not rewritten (ips-field sync audit-heads)."
            )
        self.query_one("#status", Static).update("\n".join(lines))

    def action_retention_log(self) -> None:
        from ips_field.tui.screens.retention_log import RetentionLogScreen

        self.app.push_screen(RetentionLogScreen())

    def action_export(self) -> None:
        self.app.push_screen(
            AskDialog(
                "Export to which folder (USB stick or shared folder)?", value=str(Path.home())
            ),
            self._export_to,
        )

    def _export_to(self, folder: str | None) -> None:
        if folder:
            self._run("export", folder)

    def action_import(self) -> None:
        self.app.push_screen(
            AskDialog("Import the bundles in which folder?", value=str(Path.home())),
            self._import_from,
        )

    def _import_from(self, folder: str | None) -> None:
        if folder:
            self._run("import", folder)

    def _run(self, what: str, folder: str) -> None:
        self.query_one("#working").display = True
        self.query_one("#result", Static).update("Working...")
        self._work(what, folder)

    @work(thread=True, exit_on_error=False, exclusive=True)
    def _work(self, what: str, folder: str) -> None:
        """THE import and export actions (sync.inbox), as on the command line."""
        from ips_field.actions.volunteer.retention import import_and_purge
        from sync.inbox import export_files

        lines: list[str] = []
        try:
            node = self._node()
            target = Path(folder).expanduser()
            if what == "export":
                lines += export_files(node, target)
                lines.append("Take it to the office.")
            else:
                days = self.session.profile.retention_days_after_confirmation
                report = import_and_purge(node, [target], days=days)
                lines += report.all_lines()
                if report.wiped:
                    self.app.call_from_thread(
                        self.app.exit,
                        message="The office asked this computer to erase its store.",
                    )
                    return
        except (IpsError, OSError) as err:
            lines.append(f"Could not {what}: {shown(err)}")
        except Exception as err:
            from ips_field.crash import report_crash

            lines.append(report_crash(what, err))
        self.app.call_from_thread(self._done, "\n".join(lines))

    def _done(self, text: str) -> None:
        self.query_one("#working").display = False
        self.query_one("#result", Static).update(text)
        self.refresh_status()
