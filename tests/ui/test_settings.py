"""Versioned settings: migrations on plain dicts, persistence, bad values fall back."""

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.ui.settings import SETTINGS_VERSION, Settings, migrate


def test_migrations_from_v0_and_v1() -> None:
    v0 = {"recent": "/a.db;/b.db", "prefs/renewal_days": 60}
    out = migrate(v0, 0)
    assert out["prefs/recent_databases"] == ["/a.db", "/b.db"]
    assert out["prefs/renewal_window_days"] == 60
    assert "recent" not in out
    assert migrate({"prefs/renewal_days": 30}, 1) == {"prefs/renewal_window_days": 30}
    assert migrate({"x": 1}, SETTINGS_VERSION) == {"x": 1}


def test_old_file_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue("recent", "/x.db")
    raw.sync()
    del raw
    s = Settings(path)
    assert s.get("recent_databases") == ["/x.db"]
    again = QSettings(str(path), QSettings.Format.IniFormat)
    assert int(again.value("settings_version")) == SETTINGS_VERSION


def test_persist_and_wrong_types_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    s = Settings(path)
    s.set("renewal_window_days", 60)
    for i in range(12):
        s.add_recent_database(f"/db{i}.db")
    s.sync()
    s2 = Settings(path)
    assert s2.get("renewal_window_days") == 60
    recent = s2.get("recent_databases")
    assert recent[0] == "/db11.db"
    assert len(recent) == 8
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue("prefs/renewal_window_days", "not a number")
    raw.sync()
    assert Settings(path).get("renewal_window_days") == 90


def test_v2_single_owner_and_band_become_lists() -> None:
    v2 = {"prefs/filter_owner": "Ana Lopez", "prefs/filter_band": "", "prefs/x": 1}
    out = migrate(v2, 2)
    assert out == {"prefs/filter_owners": ["Ana Lopez"], "prefs/x": 1}


def test_filter_lists_survive_the_ini_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    s = Settings(path)
    s.set("filter_owners", ["Smith, John"])
    s.set("filter_segments", ["SMB", "Mid-Market"])
    s.set("filter_team_leads", [])
    s.sync()
    s2 = Settings(path)
    assert s2.get("filter_owners") == ["Smith, John"]
    assert s2.get("filter_segments") == ["SMB", "Mid-Market"]
    assert s2.get("filter_team_leads") == []
