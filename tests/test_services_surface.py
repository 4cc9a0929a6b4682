"""Services are grouped by capability, and each package's ``__init__`` names what others may use.

Application code outside ``services/<capability>/`` imports ``desktop_app.services.<capability>``,
never one of its modules: the package's surface is the contract, its modules are free to
move. Tests and benchmarks may reach inside (they test internals). A package loads its
modules on first use, so the CLI does not pay for what a command does not run.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import desktop_app

APP = Path(desktop_app.__file__).parent
SERVICES = APP / "services"
PACKAGES = sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())


def _own_package(path: Path) -> str | None:
    rel = path.relative_to(APP).parts
    return rel[1] if len(rel) > 2 and rel[0] == "services" else None


def _reaching_in(path: Path) -> list[str]:
    """``module:line`` of each import of another capability's module (not its package)."""
    own = _own_package(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module.startswith("desktop_app.services.") and node.module.count(".") == 2:
                # ``from desktop_app.services.health import history`` names a module too
                pkg = node.module.split(".")[2]
                names += [f"{node.module}.{a.name}" for a in node.names
                          if (SERVICES / pkg / f"{a.name}.py").exists()]  # fmt: skip
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if (len(parts) > 3 and parts[:2] == ["desktop_app", "services"]
                    and parts[2] in PACKAGES and parts[2] != own):  # fmt: skip
                found.append(f"{path.relative_to(APP)}:{node.lineno} imports {name}")
    return found


def test_capabilities_are_packages() -> None:
    flat = sorted(p.stem for p in SERVICES.glob("*.py") if p.stem != "__init__")
    # Only the cross-cutting helpers stay flat: opening the store, user errors, progress,
    # pausing the garbage collector around a bulk job.
    assert flat == ["database", "errors", "gc_pause", "progress"]
    assert {"book", "health", "importing", "transitions", "team"} <= set(PACKAGES)


def test_other_layers_import_a_capability_only_through_its_package() -> None:
    bad = [hit for path in sorted(APP.rglob("*.py")) for hit in _reaching_in(path)]
    assert bad == []


def test_the_check_catches_a_module_import(tmp_path: Path) -> None:
    ui = APP / "ui" / "_probe_surface.py"
    ui.write_text("from desktop_app.services.health.scoring import rescore\n", encoding="utf-8")
    try:
        assert _reaching_in(ui) == [
            "ui/_probe_surface.py:1 imports desktop_app.services.health.scoring"
        ]
    finally:
        ui.unlink()


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package: str) -> None:
    module = importlib.import_module(f"desktop_app.services.{package}")
    names = getattr(module, "__all__", [])
    assert names, f"services.{package} names no public surface"
    for name in names:
        assert getattr(module, name) is not None
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_a_package_loads_its_modules_on_first_use() -> None:
    code = (
        "import sys\n"
        "import desktop_app.services.health as h\n"
        "before = sorted(m for m in sys.modules if m.startswith('desktop_app.services.health.'))\n"
        "h.validate\n"
        "after = 'desktop_app.services.health.validation' in sys.modules\n"
        "print(before, after)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] True"
