"""Volunteers: roster, enrolment, revocation with reassignment, passphrase recovery; and
the oversight of their CPD and supervision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ips_field.actions import office as off
from ips_field.actions.office import enrolment
from ips_field.actions.office.revocation import held_open, revoke_volunteer
from ips_field.domain.shown import shown
from ips_field.errors import IpsError, ValidationError
from ips_field.tui.office.base import OfficeScreen
from ips_field.tui.office.cells import uk_when
from ips_field.tui.widgets.dialogs import AskDialog, ConfirmDialog
from ips_field.tui.widgets.footer import KeysFooter
from ips_field.tui.widgets.form_dialog import Field, FormDialog
from ips_field.tui.widgets.table import Table
from sync.keys import fingerprint


class VolunteersScreen(OfficeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "enrol", "Invite", id="enrol"),
        Binding("r", "reply", "Enrolment reply", id="reply"),
        Binding("x", "revoke", "Revoke", id="revoke"),
        Binding("p", "recover", "Passphrase recovery", id="recover"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Volunteers", classes="title")
        yield Static(
            f"Office fingerprint: {self.session.node.identity.fingerprint()}", classes="hint"
        )
        yield Table(id="roster", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#roster", DataTable).add_columns(
            # The fingerprint (48 characters) last: at 80x24 the figures a supervisor
            # scans (last bundle, open cases, code) stay on screen.
            "Name",
            "Status",
            "Last bundle",
            "Open cases",
            "Code",
            "Fingerprint",
        )
        self.refresh_roster()

    def refresh_roster(self) -> None:
        """The same rows as ``ips-office volunteers`` (name, short code, status, cases held,
        last bundle), with the fingerprint to compare at enrolment."""
        from ips_field.actions.office.volunteers import volunteer_rows

        s = self.session
        roster = s.node.roster
        entries = roster.volunteers if roster else {}
        table = self.query_one("#roster", DataTable)
        table.clear()
        for row in volunteer_rows(s.node):
            entry = entries.get(row.id)
            if entry is None:  # invited, reply not yet confirmed
                table.add_row(row.name, "invited", "", "", row.code, "", key=row.id)
                continue
            table.add_row(
                row.name,
                row.status,
                uk_when(s.node.peer(row.id).get("last_received_at", "")) or "never",
                str(row.cases_held),
                row.code,
                fingerprint(entry.public),
                key=row.id,
            )

    def _selected(self) -> str | None:
        table = self.query_one("#roster", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_enrol(self) -> None:
        def check(v: dict[str, Any]) -> None:
            errors = {}
            if not v["name"]:
                errors["name"] = "Give the volunteer's name"
            out = Path(v["out"]).expanduser()
            if not out.parent.is_dir():
                errors["out"] = "That folder does not exist"
            elif out.exists():
                errors["out"] = "That file exists already"
            if errors:
                raise ValidationError(errors)

        def done(v: dict[str, Any] | None) -> None:
            if not v:
                return
            s = self.session
            try:
                made = enrolment.invite(s.node, v["name"], Path(v["out"]).expanduser())
            except IpsError as err:
                self.notify(shown(f"No invitation written: {err}"), severity="error", markup=False)
                return
            self.refresh_roster()
            self.app.push_screen(
                ConfirmDialog(
                    f"Invitation written to {made.path}.\n\nOne-time code: {made.code}\n\nGive the "
                    "code in person or by phone, never with the file.",
                    yes="Done",
                )
            )

        self.app.push_screen(
            FormDialog(
                "Invite a volunteer",
                [
                    Field("name", "Volunteer's name"),
                    Field("out", "Invitation file", value=str(Path.home() / "invitation.ipsi")),
                ],
                check,
            ),
            done,
        )

    def action_reply(self) -> None:
        def chosen(value: str | None) -> None:
            if not value:
                return
            s = self.session
            try:
                reply = enrolment.read_reply(s.node, Path(value).expanduser().read_bytes())
            except (IpsError, OSError) as err:
                self.notify(shown(f"Not added: {err}"), severity="error", markup=False)
                return

            def typed(read_out: str | None) -> None:
                if not read_out:
                    return
                try:
                    enrolment.confirm(s.node, reply, read_out)
                except IpsError as err:
                    self.notify(str(err), severity="error")
                    return
                self.notify("Added to the roster; export to send them the roster")
                self.refresh_roster()

            self.app.push_screen(
                AskDialog(
                    f"Reply from {reply.name}. Ask them to read out their fingerprint and type "
                    f"it here. (Expected: {reply.volunteer_fingerprint}; yours to read to them: "
                    f"{reply.office_fingerprint})"
                ),
                typed,
            )

        self.app.push_screen(AskDialog("Enrolment reply file from the volunteer"), chosen)

    def action_revoke(self) -> None:
        vid = self._selected()
        s = self.session
        roster = s.node.roster
        if vid is None or roster is None or vid not in roster.volunteers:
            self.notify("Choose a volunteer on the roster")
            return
        name = off.volunteer_name(s.node, vid)

        held = len(held_open(s.node, vid))

        def chosen(values: dict[str, Any] | None) -> None:
            if values is None:
                self.notify(shown(f"{name} was not revoked"), markup=False)
                return
            target = str(values.get("to") or "") or None
            try:
                revoked = revoke_volunteer(
                    s.node, vid, reassign_to=target, reason=str(values.get("reason") or "")
                )
            except ValidationError as err:
                self.notify("; ".join(err.errors.values()), severity="error")
                return
            self.refresh_roster()
            lines = revoked.lines(s.names() | {v: off.volunteer_name(s.node, v) for v in [vid]})
            if revoked.waiting:
                lines.append("Those needing a decision stay on the home screen until decided.")
            lines.append("Export to deliver the wipe instruction.")
            self.notify(shown("\n".join(lines), multiline=True), markup=False, timeout=15)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if held:
                self.app.push_screen(ReassignDialog(vid, held), chosen)
            else:
                chosen({"to": ""})

        self.app.push_screen(
            ConfirmDialog(
                f"Revoke {name}? Their later bundles will be refused and their next bundle "
                "from the office tells their laptop to wipe its store.",
                yes="Revoke",
                warning=True,
            ),
            confirmed,
        )

    def action_recover(self) -> None:
        def check(v: dict[str, Any]) -> None:
            errors = {}
            if not Path(v["store"]).expanduser().is_file():
                errors["store"] = "No such file"
            if not Path(v["key"]).expanduser().is_file():
                errors["key"] = "No such file"
            if len(v["new"]) < 12:
                errors["new"] = "At least 12 characters (a few words are easiest)"
            if errors:
                raise ValidationError(errors)

        def done(v: dict[str, Any] | None) -> None:
            if v:
                self.notify("Recovering (deriving keys)...")
                self._recover(v)

        self.app.push_screen(
            FormDialog(
                "Passphrase recovery with the offline recovery key",
                [
                    Field("store", "The volunteer's store file (.ipsf)"),
                    Field("key", "Office recovery key file"),
                    Field("key_pass", "Recovery key passphrase", kind="password"),
                    Field("new", "New passphrase for the volunteer", kind="password"),
                ],
                check,
            ),
            done,
        )

    @work(thread=True, exit_on_error=False)
    def _recover(self, v: dict[str, Any]) -> None:
        try:
            off.recover_volunteer_store(
                Path(v["store"]).expanduser(), Path(v["key"]).expanduser(), v["key_pass"], v["new"]
            )
        except IpsError as err:
            self.app.call_from_thread(self.notify, f"Not recovered: {err}", severity="error")
            return
        session = self.office.session
        if session is not None:
            self.app.call_from_thread(session.audit, "recover", Path(v["store"]).name)
        self.app.call_from_thread(
            self.notify, "The volunteer's store now opens with the new passphrase"
        )


class ReassignDialog(FormDialog):
    """Before a revocation: who takes the volunteer's open cases (each through the conflict
    check), or nobody yet: then they wait on the home screen for a decision."""

    def __init__(self, revoked: str, held: int) -> None:
        self.revoked = revoked
        self.held = held
        super().__init__("Their open cases", [])

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        roster = session.node.roster
        names = session.names()
        choices = sorted(
            (names[v], v) for v, e in roster.volunteers.items() if e.active and v != self.revoked
        )
        self.fields = [
            Field(
                "to",
                f"{self.held} open cases go to (each checked for conflicts)",
                kind="select",
                choices=[("Nobody yet: decide each from the home screen", ""), *choices],
            ),
            Field("reason", "Reason, if the conflict check warns"),
        ]
        yield from super().compose()
