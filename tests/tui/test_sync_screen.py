"""The volunteer's sync screen: pending count, export to a folder, import with a result."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from textual.widgets import Input, Static

from ips_field.actions import office as off
from ips_field.domain.records import Case, Consent, Note
from ips_field.store.store import KdfParams, Store
from ips_field.tui.app import make_app
from ips_field.tui.screens.sync_screen import SyncScreen
from sync.exchange import import_bundle
from sync.node import SyncNode

K = KdfParams.FOR_TESTS


async def wait_text(pilot, selector: str, needle: str) -> str:
    for _ in range(100):
        text = str(pilot.app.screen.query_one(selector, Static).content)
        if needle in text:
            return text
        await asyncio.sleep(0.05)
    raise AssertionError(f"{needle!r} never shown; last: {text!r}")


async def test_export_and_import_from_the_sync_screen(tmp_path: Path) -> None:
    office = off.init_office(
        tmp_path / "o.ipsf", "office passphrase", "recovery words", tmp_path / "r.key", kdf=K
    )
    store = Store.create(tmp_path / "v.ipsf", "volunteer passphrase", kdf=K)
    invite, code, vid = off.enrol(office, "Anna")
    reply, fp, _ = off.volunteer_enrol(store, invite, code)
    off.confirm_enrolment(office, off.read_enrolment_reply(office, reply), fp)
    node = SyncNode(store, "volunteer")
    case = node.repo.save(Case(reference="S1", school="S", opened_on="2026-11-01", assigned_to=vid))
    node.repo.save(Consent(case_id=case.id, purpose="record", given_on="2026-11-01"))
    node.repo.add_note(Note(case_id=case.id, text="hello"))
    inbox = tmp_path / "from-office"
    off.export_for(office, vid, inbox)
    app = make_app(repository=node.repo, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        status = await wait_text(pilot, "#status", "Waiting to go to the office: 3 changes")
        assert "Last sent: never" in status
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(inbox)
        await pilot.press("enter")
        await wait_text(pilot, "#result", "0 new notes")
        stick = tmp_path / "stick"
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(stick)
        await pilot.press("enter")
        await wait_text(pilot, "#result", "Take it to the office")
        status = await wait_text(pilot, "#status", "Last sent: 20")
        assert re.search(r"Last sent: \d{4}-\d\d-\d\d \d\d:\d\d\n", status), status
        assert "Office audit log head (received" in status  # the anchor the office sent
        [bundle] = list(stick.glob("*.ipsb"))
    result = import_bundle(office, bundle, tmp_path / "q")
    assert result.status == "imported" and result.notes == 1
    store.close()
    office.store.close()
