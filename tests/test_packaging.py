"""The wheel carries every package, the migrations and the resources."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "desktop_app").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found | {"desktop_app._resources"} == listed
    assert config["package-dir"]["desktop_app._resources"] == "resources"
    assert (ROOT / "resources" / "scorecard_default.json").is_file()
