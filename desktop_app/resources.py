"""Locate the files shipped in the top-level ``resources/`` folder.

An installed wheel carries them as ``desktop_app/_resources`` (see pyproject.toml); a source
checkout (and an editable install) reads the repository's ``resources/`` folder directly.
"""

from __future__ import annotations

from pathlib import Path

import desktop_app

_PACKAGED = Path(desktop_app.__file__).resolve().parent / "_resources"
_CHECKOUT = Path(desktop_app.__file__).resolve().parents[1] / "resources"
RESOURCES_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def resource_path(name: str) -> Path:
    """The path of resource ``name``; raises ``FileNotFoundError`` for an unknown name."""
    path = (RESOURCES_DIR / name).resolve()
    if RESOURCES_DIR not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no such resource: {name!r}")
    return path
