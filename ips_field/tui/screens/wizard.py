"""First run: passphrase (twice, with strength feedback), profile, service, home area."""

from __future__ import annotations

from typing import Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, LoadingIndicator, Select, Static

from ips_field.domain.passphrase import assess
from ips_field.domain.records import Interest, VolunteerProfile
from ips_field.errors import IpsError, ValidationError
from ips_field.store.osdeps import default_store_path
from ips_field.store.repository import Repository
from ips_field.store.store import Store
from ips_field.tui.protocols import VolunteerHost
from ips_field.tui.widgets.footer import KeysFooter


class WizardScreen(Screen[None]):
    AUTO_FOCUS = "#pass1"

    @property
    def ips(self) -> VolunteerHost:
        return cast(VolunteerHost, self.app)

    def compose(self) -> ComposeResult:
        profiles = self.ips.templates.profiles
        yield Header()
        with VerticalScroll(classes="form"):
            yield Static("Welcome to ips-field", classes="title")
            yield Static(
                "Your case notes will be kept encrypted on this computer. Choose a passphrase "
                "you will remember: without it nobody, not even the office, can read your notes "
                "(unless you later enrol with the office's recovery key).",
                classes="hint",
            )
            yield Label("Passphrase (at least 12 characters, or four words)")
            yield Input(select_on_focus=False, password=True, id="pass1")
            yield Static("", id="strength", classes="hint")
            yield Label("Passphrase again")
            yield Input(select_on_focus=False, password=True, id="pass2")
            yield Label("Your name")
            yield Input(select_on_focus=False, id="name")
            yield Label("Your service")
            yield Select(
                [(p.name, p.id) for p in profiles.values()],
                value="generic" if "generic" in profiles else next(iter(profiles)),
                allow_blank=False,
                id="service",
            )
            # Short enough for 80 columns (the longer wording lost its last words there).
            yield Label("Your home area (neighbourhood or postcode district, for conflict checks)")
            yield Input(select_on_focus=False, id="area")
            yield Static("", id="problem", classes="error", markup=False)
            yield LoadingIndicator(id="working")
            with Horizontal(classes="buttons"):
                yield Button("Create my encrypted store", id="create", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#working").display = False

    @on(Input.Changed, "#pass1")
    def _strength(self, event: Input.Changed) -> None:
        s = assess(event.value)
        self.query_one("#strength", Static).update(f"Strength: {s.message}")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter in a box goes on to the next one; in the last box it creates the store
        (found in tmux: Enter after the home area did nothing)."""
        if event.input.id == "area":
            self._create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        p1 = self.query_one("#pass1", Input).value
        p2 = self.query_one("#pass2", Input).value
        problem = self.query_one("#problem", Static)
        strength = assess(p1)
        if not strength.ok:
            problem.update(f"Passphrase: {strength.message}")
            return
        if p1 != p2:
            problem.update("The two passphrases do not match")
            return
        profile = VolunteerProfile(
            name=self.query_one("#name", Input).value.strip(),
            service=str(self.query_one("#service", Select).value),
            home_area=self.query_one("#area", Input).value.strip(),
        )
        try:
            profile.validate()
        except ValidationError as err:
            problem.update("; ".join(err.errors.values()))
            return
        problem.update("Creating your store (measuring this computer)...")
        self.query_one("#working").display = True
        self.query_one("#create", Button).disabled = True
        self._make(p1, profile)

    @work(thread=True, exit_on_error=False, exclusive=True)
    def _make(self, passphrase: str, profile: VolunteerProfile) -> None:
        app = self.ips
        path = app.store_path or default_store_path()
        try:
            store: Any = Store.create(path, passphrase, kdf=app.kdf)
            repo = Repository(store)
            today = app.today().isoformat()
            with repo.transaction():
                repo.save(profile)
                if profile.home_area:
                    repo.save(
                        Interest(
                            interest_type="home_area", area=profile.home_area, declared_on=today
                        )
                    )
        except IpsError as err:
            app.call_from_thread(self._failed, str(err))
            return
        app.store_path = path
        app.call_from_thread(app.unlocked, store)

    def _failed(self, message: str) -> None:
        self.query_one("#working").display = False
        self.query_one("#create", Button).disabled = False
        self.query_one("#problem", Static).update(message)
