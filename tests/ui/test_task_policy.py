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
    ("actions.py", "open_database"): "opening a file the user chose: migrations must finish "
    "before the window can switch to it; one small file check",
    ("actions.py", "list_transitions"): "a short list (saved transitions) for a modal picker",
    ("undo/health.py", "active_overrides"): "undo command: moving undo/redo onto the writer "
    "is the next step of issue 13 (commands are synchronous QUndoCommands today)",
    ("undo/health.py", "set_override"): "undo command (see active_overrides)",
    ("undo/health.py", "clear_override"): "undo command (see active_overrides)",
    ("undo/health.py", "restore_override"): "undo command (see active_overrides)",
    ("undo/notes.py", "add_note"): "undo command (see undo/health.py)",
    ("undo/notes.py", "delete_note"): "undo command (see undo/health.py)",
    ("undo/notes.py", "restore_note"): "undo command (see undo/health.py)",
    ("undo/transition.py", "set_checklist_item"): "undo command (see undo/health.py)",
    ("undo/transition.py", "set_scenario"): "undo command (see undo/health.py)",
    ("undo/transition.py", "execute_transition"): "undo command (see undo/health.py)",
    ("undo/transition.py", "undo_execute"): "undo command (see undo/health.py)",
    ("views/detail_pane.py", "load_detail"): "one account's detail; moving it to a reader "
    "needs the pane to show a loading state (issue 13, item 5)",
    ("views/detail_pane.py", "explain"): "one account (see load_detail)",
    ("views/detail_pane.py", "history"): "one account (see load_detail)",
    ("dialogs/import_history.py", "list_batches"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/import_history.py", "rollback_batch"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/import_preview_page.py", "save_profile"): "one row written on a button press",
    ("dialogs/override_dialog.py", "account_name"): "one row, dialog opening",
    ("dialogs/override_dialog.py", "explain"): "one account, dialog opening",
    ("dialogs/overrides_list.py", "active_overrides"): "dialog not yet moved (issue 13)",
    ("dialogs/retention_view.py", "csm_names"): "dialog not yet moved (issue 13)",
    ("dialogs/retention_view.py", "retention_series"): "dialog not yet moved (issue 13)",
    ("dialogs/retention_view.py", "retention_by_owner"): "dialog not yet moved (issue 13)",
    ("dialogs/retention_view.py", "retention"): "dialog not yet moved (issue 13)",
    ("dialogs/review_dialog.py", "dismiss"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/review_dialog.py", "reopen"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/review_dialog.py", "list_review"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/review_dialog.py", "export_review"): "dialog not yet moved (issue 13)",
    ("dialogs/review_dialog.py", "load_accounts"): "dialog not yet moved (issue 13); it "
    "could take the window's BookState instead of reading the book",
    ("dialogs/transition_pages.py", "load_book"): "dialog not yet moved (issue 13); it could "
    "take the window's BookState instead of reading the book",
    ("dialogs/transition_pages.py", "spread"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_pages.py", "transition_warnings"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_pages.py", "workload_preview"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "export_rows"): "dialog not yet moved (issue 13)",
    ("dialogs/review_dialog.py", "accept_match"): "dialog not yet moved (issue 13, item 5)",
    ("dialogs/scorecard_editor.py", "get_active"): "one row, dialog opening",
    ("dialogs/scorecard_editor.py", "save_version"): "one row written on Save",
    ("dialogs/team_view.py", "csm_alerts"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_pages.py", "csm_names"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "create_transition"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "load_transition"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "confirm_transition"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "undo_execute"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "export_transition"): "dialog not yet moved (issue 13)",
    ("dialogs/transition_wizard.py", "brief_data"): "dialog not yet moved (issue 13)",
    ("dialogs/worklist_view.py", "snooze"): "one row written on a button press",
    ("dialogs/worklist_view.py", "unsnooze"): "one row written on a button press",
    ("dialogs/worklist_view.py", "csm_names"): "dialog not yet moved (issue 13)",
}


#: Services that open a database or write a file without taking a ``Store``.
FILE_SERVICES = frozenset({"open_database", "create_demo_store", "export_view", "export_review"})


def _takes_store(obj: object) -> bool:
    if not inspect.isfunction(obj):
        return False
    if obj.__name__ in FILE_SERVICES:
        return True
    params = inspect.signature(obj).parameters.values()
    return any("Store" in str(p.annotation) for p in params)


def _direct_calls(path: Path) -> set[str]:
    """Names of database services that ``path`` calls directly."""
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
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
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


def test_the_check_sees_a_direct_call(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "from desktop_app.services.portfolio import load_book, filter_mask\n"
        "from desktop_app.services import scoring\n"
        "def f(store, book, spec):\n"
        "    load_book(store)\n"
        "    scoring.rescore(store)\n"
        "    filter_mask(book, spec)\n"  # in memory: allowed
        "    run_task(load_book, store)\n",  # through a task: allowed
        encoding="utf-8",
    )
    assert _direct_calls(module) == {"load_book", "rescore"}
