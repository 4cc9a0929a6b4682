"""Locate the files shipped in the top-level ``resources/`` folder."""

from __future__ import annotations

from pathlib import Path

import desktop_app

RESOURCES_DIR = Path(desktop_app.__file__).resolve().parents[1] / "resources"


def resource_path(name: str) -> Path:
    """The path of resource ``name``; raises ``FileNotFoundError`` for an unknown name."""
    path = (RESOURCES_DIR / name).resolve()
    if RESOURCES_DIR not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no such resource: {name!r}")
    return path
