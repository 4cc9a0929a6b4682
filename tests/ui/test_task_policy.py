"""The task policy, checked on the source: a UI module calls no database service directly.

Every service function that takes a ``Store`` (it reads or writes the database) is called
from the UI only through ``run_task`` / a ``Worker`` (passed as a function, not called).
A direct call blocks the GUI thread for as long as the query takes, which grows with the
book. The few calls left are listed below with the reason each is still direct; the list
may only shrink (a stale entry fails too).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import desktop_app

UI = Path(desktop_app.__file__).parent / "ui"

#: (module under ui/, service function) -> why it is still called on the GUI thread.
ALLOWED: dict[tuple[str, str], str] = {
    ("undo/transition.py", "set_checklist_item"): "transition commands are still "
    "synchronous: SetScenarioCommand marks itself obsolete when the service refuses, which "
    "QUndoStack only honours during push",
    ("undo/transition.py", "set_scenario"): "see set_checklist_item",
    ("undo/transition.py", "execute_transition"): "see set_checklist_item",
    ("undo/transition.py", "undo_execute"): "see set_checklist_item",
    ("dialogs/scorecard_editor.py", "get_active"): "one row read as the dialog opens, so "
    "that the weights are editable at once (tests/ui/test_health_dialogs_look.py holds it); "
    "the book for the preview is read on a worker",
    # Landed with the team-database work (postgres) while this check was written; another
    # branch (stale-edit re-apply, team refresh) works on these and on undo/transition.py.
    ("dialogs/connect_dialog.py", "open_database"): "connecting to a server the user chose: "
    "the window can only switch to it once it is open (to move onto a task with progress)",
    ("main_window.py", "connection_info"): "status-bar label of a team database, computed "
    "once per store and cached",
    ("team_watch.py", "listen"): "opens the change listener once per store (postgres)",
}


#: Services that open a database or write a file without taking a ``Store``.
FILE_SERVICES = frozenset(
    {
        "open_database",
        "create_demo_store",
        "export_view",
        "export_review",
        "export_report",
        "export_problems",
    }
)


def _takes_store(obj: object) -> bool:
    if not inspect.isfunction(obj):
        return False
    if obj.__name__ in FILE_SERVICES:
        return True
    params = inspect.signature(obj).parameters.values()
    return any("Store" in str(p.annotation) for p in params)


#: Calls that run a function argument on a worker, and that argument's position
#: (``ReportLoader.load(message, fn, ...)`` takes its message first).
TASK_RUNNERS = {"run_task": 0, "Worker": 0, "_write": 0, "load": 1}

#: Methods a ``WriterCommand`` subclass defines and the base class hands to ``_write``
#: (``test_writer_commands_write_on_the_writer`` checks the base still does).
WRITER_STEPS = frozenset({"_redo", "_undo"})


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _on_workers(tree: ast.AST) -> tuple[set[str], set[int]]:
    """Functions (by name) and lambdas (by id) that run on a worker: those handed to a task
    runner, and, to a fixpoint, the functions that only those call."""
    names: set[str] = set(WRITER_STEPS)
    lambdas: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and (at := TASK_RUNNERS.get(_name(node.func) or "")) is not None
        ):
            for arg in node.args[at : at + 1]:
                if isinstance(arg, ast.Lambda):
                    lambdas.add(id(arg))
                elif (n := _name(arg)) is not None:
                    names.add(n)
    defs = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    changed = True
    while changed:
        changed = False
        for fname in list(names):
            for node in ast.walk(defs[fname]) if fname in defs else ():
                callee = _name(node.func) if isinstance(node, ast.Call) else None
                if callee in defs and callee not in names:
                    names.add(callee)
                    changed = True
    return names, lambdas


def _direct_calls(path: Path) -> set[str]:
    """Names of database services that ``path`` calls on the GUI thread."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: dict[str, object] = {}
    modules: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "desktop_app.services"
        ):
            mod = importlib.import_module(str(node.module))
            for alias in node.names:
                target = getattr(mod, alias.name, None)
                if inspect.ismodule(target):
                    modules[alias.asname or alias.name] = target
                else:
                    imported[alias.asname or alias.name] = target
    worker_defs, worker_lambdas = _on_workers(tree)
    found: set[str] = set()

    def visit(node: ast.AST, on_worker: bool) -> None:
        if isinstance(node, ast.FunctionDef) and node.name in worker_defs:
            on_worker = True
        if isinstance(node, ast.Lambda) and id(node) in worker_lambdas:
            on_worker = True
        if isinstance(node, ast.Call) and not on_worker:
            f = node.func
            if isinstance(f, ast.Name) and _takes_store(imported.get(f.id)):
                found.add(f.id)
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in modules
                and _takes_store(getattr(modules[f.value.id], f.attr, None))
            ):
                found.add(f.attr)
        for child in ast.iter_child_nodes(node):
            visit(child, on_worker)

    visit(tree, False)
    return found


def _violations() -> set[tuple[str, str]]:
    out = set()
    for path in sorted(UI.rglob("*.py")):
        rel = path.relative_to(UI).as_posix()
        out |= {(rel, name) for name in _direct_calls(path)}
    return out


def test_ui_calls_database_services_only_through_tasks() -> None:
    found = _violations()
    new = sorted(found - set(ALLOWED))
    assert new == [], "call these through run_task (ui/workers.py), not on the GUI thread"


def test_the_allow_list_has_no_stale_entries() -> None:
    stale = sorted(set(ALLOWED) - _violations())
    assert stale == [], "these calls are gone: drop them from ALLOWED"


def test_writer_commands_write_on_the_writer() -> None:
    """WriterCommand's redo/undo hand ``_redo``/``_undo`` to ``_write`` (the writer)."""
    tree = ast.parse((UI / "undo" / "__init__.py").read_text(encoding="utf-8"))
    handed = {
        _name(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node.func) == "_write" and node.args
    }
    assert handed >= WRITER_STEPS


def test_the_check_sees_a_direct_call(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "from desktop_app.services.book.portfolio import load_book, filter_mask\n"
        "from desktop_app.services.health import scoring\n"
        "def f(store, book, spec):\n"
        "    load_book(store)\n"
        "    scoring.rescore(store)\n"
        "    filter_mask(book, spec)\n"  # in memory: allowed
        "    run_task(load_book, store)\n"  # through a task: allowed
        "    run_task(lambda: scoring.rescore(store))\n"  # in a lambda given to a task
        "    run_task(g, store)\n"
        "    loader.load('Reading…', k, store)\n"  # a ReportLoader's function: on a worker
        "def k(store):\n"
        "    scoring.explain(store, 2)\n"
        "def g(store):\n"  # handed to a task: runs on the worker
        "    h(store)\n"
        "def h(store):\n"  # called only from g: on the worker too
        "    scoring.explain(store, 1)\n",
        encoding="utf-8",
    )
    assert _direct_calls(module) == {"load_book", "rescore"}
