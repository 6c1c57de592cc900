"""What a newcomer tripped over on an evening before a meeting, driven in tmux at 80x24 and
120x40 (issue 13's closing note): each test fails without its fix."""

from __future__ import annotations

from textual.widgets import Checkbox

from ips_field.domain.records import Meeting
from ips_field.tui.app import make_app
from ips_field.tui.screens.meeting_prep import MeetingPrepScreen


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
