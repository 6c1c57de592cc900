"""No stored vocabulary or ISO date on the volunteer's screens: how consent was given and
how a contact was made in words, dates the UK way, and UK dates typed into the log forms."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from ips_field.domain.records import Case, Consent, Contact, CpdEntry, SupervisionEntry
from ips_field.tui.app import make_app
from ips_field.tui.screens.case_view import CaseScreen
from ips_field.tui.screens.cpd import CpdScreen
from ips_field.tui.screens.supervision import SupervisionScreen
from ips_field.tui.widgets.form_dialog import FormDialog
from tests.tui.test_session import _until


def _row_text(table: DataTable) -> list[str]:
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_consent_and_contact_tables_show_words_and_uk_dates(repo) -> None:
    case = next(c for c in repo.all(Case) if c.reference == "DEMO-008")
    consent = repo.for_case(Consent, case.id)[0]
    repo.save(consent.replace(how_given="verbal"))
    repo.save(Contact(case_id=case.id, on="2026-11-03", method="phone", minutes=10))
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        consents = _row_text(app.screen.query_one("#consents", DataTable))
        assert any("Said so in person" in r for r in consents)
        assert not any(" verbal " in f" {r} " or "-11-" in r for r in consents)
        contacts = _row_text(app.screen.query_one("#contacts", DataTable))
        assert any("03/11/2026" in r and "Phone call" in r for r in contacts)
        assert not any("2026-11-03" in r or "| phone |" in r for r in contacts)


async def test_cpd_and_supervision_take_and_show_uk_dates(repo) -> None:
    app = make_app(repository=repo)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CpdScreen())
        await pilot.pause()
        await pilot.press("a")
        await _until(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        assert form.query_one("#f-on", Input).value == "22/11/2026"  # today, the UK way
        form.query_one("#f-on", Input).value = "05/11/2026"
        form.query_one("#f-title", Input).value = "Tribunal update"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: isinstance(app.screen, CpdScreen))
        entry = next(e for e in repo.all(CpdEntry) if e.title == "Tribunal update")
        assert entry.on == "2026-11-05"
        rows = _row_text(app.screen.query_one(DataTable))
        assert any("05/11/2026" in r for r in rows) and not any("2026-11-05" in r for r in rows)
        app.pop_screen()
        await pilot.pause()
        app.push_screen(SupervisionScreen())
        await pilot.pause()
        await pilot.press("a")
        await _until(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        form.query_one("#f-on", Input).value = "06/11/2026"
        form.query_one("#f-supervisor", Input).value = "Pat Office"
        form.query_one("#f-follow_up_on", Input).value = "20/12/2026"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: isinstance(app.screen, SupervisionScreen))
        sup = next(e for e in repo.all(SupervisionEntry) if e.supervisor == "Pat Office")
        assert (sup.on, sup.follow_up_on) == ("2026-11-06", "2026-12-20")
