"""Plain settings (theme, idle time, keymap) read before unlock; hostile files are harmless."""

from __future__ import annotations

from pathlib import Path

from ips_field.store.store import KdfParams, Store
from ips_field.tui import prefs
from ips_field.tui.app import IpsApp
from ips_field.tui.screens.unlock import UnlockScreen


def test_a_hostile_settings_file_keeps_the_defaults_with_one_line_each(config_folder) -> None:
    config_folder.mkdir()
    (config_folder / "settings.toml").write_text(
        'theme = "x\\u001b[31m"\nidle_minutes = 1e9\n[keymap]\nlock = 7\n"a b" = "q"\n'
    )
    loaded = prefs.load()
    assert (loaded.theme, loaded.idle_minutes, loaded.keymap) == ("", 5.0, {})
    assert len(loaded.problems) == 4 and all("\n" not in p for p in loaded.problems)
    (config_folder / "settings.toml").write_bytes(b"\xff\xfe not toml")
    assert prefs.load().problems == ["Settings file ignored: it is not a valid settings file"]


async def test_theme_idle_and_keymap_apply_on_the_lock_screen(tmp_path: Path, config_folder):
    prefs.save(prefs.Prefs(theme="ips-high-contrast", idle_minutes=2, keymap={"lock": "f12"}))
    text = (config_folder / "settings.toml").read_text()
    assert 'theme = "ips-high-contrast"' in text and "idle_minutes = 2" in text
    path = tmp_path / "v.ipsf"
    Store.create(path, "a long test passphrase", kdf=KdfParams.FOR_TESTS).close()
    app = IpsApp(store_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.theme == "ips-high-contrast"  # before any passphrase
        assert app.idle_seconds == 120
        app.theme = "textual-light"
        await pilot.pause()
    assert prefs.load().theme == "textual-light"


async def test_a_user_keymap_moves_the_lock_key(repo, config_folder) -> None:
    from ips_field.tui.app import make_app
    from ips_field.tui.screens.dashboard import DashboardScreen

    prefs.save(prefs.Prefs(keymap={"lock": "f12"}))
    app = make_app(repository=repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")  # no longer the lock key
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None


async def test_the_office_app_uses_and_remembers_the_theme_too(tmp_path: Path, config_folder):
    """Both apps share one settings behaviour: the office's lock screen is drawn in the
    chosen theme before any passphrase, and a theme chosen there is kept for next time."""
    from ips_field.tui.office.app import OfficeApp

    prefs.save(prefs.Prefs(theme="ips-high-contrast", idle_minutes=3))
    app = OfficeApp(store_path=tmp_path / "office.ipsf")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.theme == "ips-high-contrast"
        assert app.idle_seconds == 180
        app.theme = "textual-light"
        await pilot.pause()
    assert prefs.load().theme == "textual-light"
