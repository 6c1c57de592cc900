"""What a newcomer tripped over on an evening before a meeting, driven in tmux at 80x24 and
120x40 (issue 13's closing note): each test fails without its fix."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from ips_field.domain.records import Meeting
from ips_field.tui.app import make_app
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen
from tests.tui.test_volunteer_app import settle


async def test_approved_wording_box_looks_unticked_until_ticked(repo) -> None:
    """Found in tmux: "The parent has approved this wording" drew [X] while unticked, so a
    new volunteer read it as approved; the mark now differs in shape, not only colour."""
    m = next(m for m in repo.all(Meeting) if m.status == "planned" and not m.parent_approved)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingPrepScreen(m.id))
        await pilot.pause()
        box = app.screen.query_one("#approved", Checkbox)
        unticked = box.render().plain
        assert "✓" not in unticked and "X" not in unticked
        box.value = True
        await pilot.pause()
        assert "✓" in box.render().plain


def _title_and_focus_visible(app) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    from textual.containers import VerticalScroll

    scroller = app.screen.query(VerticalScroll).first()
    focused = app.focused
    top = scroller.scroll_y
    bottom = top + scroller.scrollable_content_region.height
    seen = focused.virtual_region.y >= top and focused.virtual_region.bottom <= bottom
    return int(top), seen


@pytest.mark.parametrize("what", ["consent", "meeting", "new case"])
async def test_forms_open_at_their_top_at_80x24(repo, what: str) -> None:
    """Found in tmux at 80x24: the consent dialog opened scrolled past its purpose (what is
    being consented to), the new meeting dialog past its type, the new case form past the
    label of the box being typed in. They open at the top, the focused box in view."""
    from textual.widgets import Input, Select

    from ips_field.tui.screens.case_view import CaseScreen
    from tests.tui.test_session import _case

    case = _case(repo)
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if what == "new case":
            await pilot.press("n")
        else:
            app.push_screen(CaseScreen(case.id))
            await pilot.pause()
            await pilot.press("k" if what == "consent" else "m")
        await settle(pilot, lambda: _title_and_focus_visible(app) == (0, True))
        assert isinstance(app.focused, Select if what == "consent" else Input)
        top, seen = _title_and_focus_visible(app)
        assert top == 0 and seen


async def test_first_run_enter_moves_on_and_creates_the_store(tmp_path) -> None:
    """Found in tmux: a newcomer typing the wizard presses Enter after each box; Enter did
    nothing, even after the last box. Now Enter goes to the next box, and creates the
    store from the last one."""

    from ips_field.store.store import KdfParams
    from ips_field.tui.app import IpsApp
    from ips_field.tui.screens.dashboard import DashboardScreen
    from tests.tui.test_volunteer_app import wait_for

    path = tmp_path / "v.ipsf"
    app = IpsApp(store_path=path, kdf=KdfParams.FOR_TESTS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for typed in ("correct horse battery staple", "correct horse battery staple", "Zed"):
            await pilot.press(*typed, "enter")
        assert app.focused is not None and app.focused.id == "service"
        await pilot.press("tab", *"Eastlea", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause(0.2)
        app.session.store.close()
    assert path.exists()


async def test_sync_screen_tells_a_new_volunteer_how_to_enrol(empty_repo) -> None:
    """Found in tmux: a fresh store's sync screen said only "this computer is not enrolled
    with an office yet"; it now says what to do."""
    from textual.widgets import Static

    from ips_field.tui.screens.sync_screen import SyncScreen

    app = make_app(repository=empty_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(SyncScreen())
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert "ips-field enrol" in status and "supervisor" in status


async def test_case_overview_leaves_out_empty_parts_and_shows_uk_birth_dates(repo) -> None:
    """Found in tmux: "07700 900100  language: English access:" (a dangling label for an
    empty field); a child with no year group showed the ISO birth date."""
    from textual.widgets import Static

    from ips_field.domain.records import Child, Family
    from ips_field.tui.screens.case_view import CaseScreen
    from tests.tui.test_session import _case

    case = _case(repo)
    family = next(f for f in repo.all(Family) if f.case_id == case.id)
    parents = [{**family.parents[0], "language": "English", "access_needs": ""}]
    repo.save(family.replace(parents=parents))
    child = next(c for c in repo.all(Child) if c.case_id == case.id)
    repo.save(child.replace(year_group="", date_of_birth="2019-03-14"))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CaseScreen(case.id))
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "access:" not in text.lower().replace("access needs:", "")
        assert "Language: English" in text
        assert "born 14/03/2019" in text and "2019-03-14" not in text
