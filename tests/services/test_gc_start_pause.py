"""The cyclic collector pauses while the application's modules load (``gc_pause``): from the
import of ``services.database`` until a database is opened, or a CLI command starts. Each
case runs in a fresh interpreter, where the modules really are loaded for the first time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_collector_is_paused_while_the_modules_load_until_a_database_opens(
    tmp_path: Path,
) -> None:
    db = tmp_path / "book.db"
    code = f"""
import gc
print(gc.isenabled())
from desktop_app.services.database import open_database
import desktop_app.services.book.portfolio
print(gc.isenabled(), gc.get_freeze_count() == 0)
store = open_database({str(db)!r})
print(gc.isenabled(), gc.get_freeze_count() > 0)
store.dispose()
"""
    # On before our modules, off while they load, back on (the imports frozen) once the
    # database is opened.
    assert _run(code) == ["True", "False", "True", "True", "True"]


def test_a_command_that_opens_no_database_runs_with_the_collector_on() -> None:
    code = """
import argparse, gc
from desktop_app import cli
args = argparse.Namespace(command="none", db=None)
print(cli._run(lambda _a: 0 if gc.isenabled() else 1, args), gc.get_freeze_count() > 0)
"""
    assert _run(code) == ["0", "True"]


def test_pauses_of_the_loading_inside_the_start_pause_keep_it_until_it_ends() -> None:
    """A worker's ``gc_paused`` block ending while the modules still load does not turn the
    collector back on; the start pause ends once, and does not start again."""
    code = """
import gc
from desktop_app.services import gc_pause as g
g.pause_while_modules_load()
with g.gc_paused():
    print(gc.isenabled())
print(gc.isenabled())
g.modules_loaded()
print(gc.isenabled())
g.modules_loaded()
g.pause_while_modules_load()
with g.gc_paused():
    print(gc.isenabled())
print(gc.isenabled())
"""
    assert _run(code) == ["False", "False", "True", "False", "True"]


def test_a_process_that_starts_with_the_collector_off_keeps_it_off() -> None:
    code = """
import gc
gc.disable()
from desktop_app.services import gc_pause as g
g.pause_while_modules_load()
g.modules_loaded()
print(gc.isenabled())
"""
    assert _run(code) == ["False"]
