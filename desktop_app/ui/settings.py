"""Versioned settings over QSettings (INI format, path injected).

Two groups: ``prefs/`` (user choices, declared once below with type and default) and
``state/`` (geometry, dock and header state). Plain types only, never pickles. A
``settings_version`` key with ordered migration functions that work on a plain dict, so
they are tested without a UI. Startup never crashes because of settings: a value of the
wrong type falls back to its default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 2


@dataclass(frozen=True)
class Pref:
    key: str
    type: type
    default: Any


PREFS: dict[str, Pref] = {
    p.key: p
    for p in (
        Pref("recent_databases", list, []),
        Pref("last_database", str, ""),
        # Team databases (PostgreSQL URLs): never with a password (ConnectDialog strips it).
        Pref("recent_team_databases", list, []),
        Pref("renewal_window_days", int, 90),
        Pref("scatter_x", str, "mau"),
        Pref("scatter_y", str, "health"),
        Pref("user_name", str, ""),
        Pref("filter_text", str, ""),
        Pref("filter_owner", str, ""),
        Pref("filter_band", str, ""),
        Pref("filter_renewal", int, 0),
        Pref("filter_lifecycle", str, ""),
        Pref("sort_column", str, "name"),
        Pref("sort_ascending", bool, True),
    )
}
MAX_RECENT = 8


# --------------------------------------------------------------------------- migrations
def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    # v0 stored the recent list as one ";"-joined string under "recent".
    recent = data.pop("recent", None)
    if isinstance(recent, str):
        data["prefs/recent_databases"] = [p for p in recent.split(";") if p]
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # v1 called the renewal window "renewal_days".
    if "prefs/renewal_days" in data:
        data["prefs/renewal_window_days"] = data.pop("prefs/renewal_days")
    return data


MIGRATIONS: list[Callable[[dict[str, Any]], dict[str, Any]]] = [_v0_to_v1, _v1_to_v2]


def migrate(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Apply the migrations after ``version`` in order; returns the migrated dict."""
    for step in MIGRATIONS[max(version, 0) :]:
        data = step(dict(data))
    return data


def _coerce(pref: Pref, value: Any) -> Any:
    if value is None:
        return pref.default
    try:
        if pref.type is bool:
            if isinstance(value, str):
                return value.lower() in {"1", "true", "yes"}
            return bool(value)
        if pref.type is list:
            if isinstance(value, str):
                return [value] if value else []
            return [str(v) for v in value]
        return pref.type(value)
    except (TypeError, ValueError):
        return pref.default


class Settings:
    """User preferences and window state, stored in an INI file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._upgrade()

    def _upgrade(self) -> None:
        version = _coerce(Pref("v", int, 0), self._qs.value("settings_version", 0))
        if version >= SETTINGS_VERSION:
            return
        data = {k: self._qs.value(k) for k in self._qs.allKeys() if k != "settings_version"}
        migrated = migrate(data, version)
        self._qs.clear()
        for k, v in migrated.items():
            self._qs.setValue(k, v)
        self._qs.setValue("settings_version", SETTINGS_VERSION)
        self._qs.sync()

    # prefs -------------------------------------------------------------------------
    def get(self, key: str) -> Any:
        pref = PREFS[key]
        return _coerce(pref, self._qs.value(f"prefs/{key}", pref.default))

    def set(self, key: str, value: Any) -> None:
        pref = PREFS[key]
        self._qs.setValue(f"prefs/{key}", _coerce(pref, value))

    def add_recent_database(self, location: str) -> list[str]:
        recent = [p for p in self.get("recent_databases") if p != location]
        recent.insert(0, location)
        recent = recent[:MAX_RECENT]
        self.set("recent_databases", recent)
        return recent

    # state -------------------------------------------------------------------------
    def state(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"state/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"state/{key}", value)

    def sync(self) -> None:
        self._qs.sync()


def default_settings_path() -> Path:
    import os

    from platformdirs import user_config_dir

    from desktop_app import APP_NAME, ORG

    override = os.environ.get("ACCOUNT_DESK_CONFIG_DIR")
    base = Path(override) if override else Path(user_config_dir(APP_NAME, ORG))
    return base / "settings.ini"
