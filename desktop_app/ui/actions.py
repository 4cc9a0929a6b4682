"""Menus, toolbar and keyboard shortcuts of the main window, and what each action does.

Actions read and change the book through the window's ``BookState`` (selection, focus,
accounts to reload) and call services through ``run_task``; from the window they use only
its public surface (store, settings, undo stack, ``run_task``, ``switch_store``, messages).
Dialogs are imported when first used, so that start-up stays fast. Over 450 lines: one
short method per menu entry, kept beside the table of actions and shortcuts they serve.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QToolBar

from desktop_app import APP_NAME, __version__
from desktop_app.domain.arrays import unique_ids

if TYPE_CHECKING:
    from desktop_app.ui.book_state import BookState
    from desktop_app.ui.main_window import MainWindow

FILE_FILTER = "Databases (*.db *.sqlite *.sqlite3);;All files (*)"


_FALLBACK = {
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.HelpContents: "F1",
    QKeySequence.StandardKey.Redo: "Ctrl+Shift+Z",
}


def _key(shortcut: QKeySequence.StandardKey | str) -> QKeySequence:
    """A key sequence; standard keys that a platform leaves empty get a fallback."""
    if isinstance(shortcut, str):
        return QKeySequence(shortcut)
    seq = QKeySequence(shortcut)
    return seq if not seq.isEmpty() else QKeySequence(_FALLBACK.get(shortcut, ""))


class Actions:
    """Every QAction of the window, with shortcuts; built once by ``build``."""

    def __init__(self, window: MainWindow, state: BookState) -> None:
        self.w = window
        self.state = state
        self.recent_menu: QMenu | None = None

    def _act(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.w)
        if shortcut is not None:
            action.setShortcut(_key(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # ------------------------------------------------------------------ build
    def build(self) -> None:
        w = self.w
        S = QKeySequence.StandardKey
        self.open_db = self._act(
            "&Open database…", self.open_database, S.Open, "Open or create an Account Desk database"
        )
        self.connect_team_db = self._act(
            "&Connect to team database…",
            self.connect_team,
            "Ctrl+Shift+K",
            "Open your team's shared PostgreSQL database",
        )
        self.import_files = self._act(
            "&Import…",
            lambda: self.open_import_wizard(None),
            "Ctrl+I",
            "Import spreadsheet exports",
        )
        self.import_history = self._act(
            "Import &history…",
            self.show_import_history,
            "Ctrl+Shift+H",
            "List imports and roll one back",
        )
        self.review = self._act(
            "&Review unlinked rows…",
            self.show_review,
            "Ctrl+Shift+U",
            "Imported rows that matched no account, or only approximately",
        )
        self.export_view = self._act(
            "&Export table…",
            self.export_table,
            "Ctrl+E",
            "Export the accounts in view to .xlsx or .csv",
        )
        self.open_demo = self._act(
            "Open &demo book",
            self.open_demo_book,
            "Ctrl+Shift+D",
            "Open a realistic demo book in a temporary file",
        )
        self.quit = self._act("&Quit", w.close, S.Quit)
        self.undo = w.undo_stack.createUndoAction(w, "&Undo")
        self.undo.setShortcut(_key(S.Undo))
        self.redo = w.undo_stack.createRedoAction(w, "&Redo")
        self.redo.setShortcut(_key(S.Redo))
        self.find = self._act("&Find…", w.focus_search, S.Find)
        self.clear_filters = self._act("&Clear filters", w.clear_filters, "Ctrl+Shift+L")
        self.reload = self._act("&Reload", w.reload, S.Refresh)
        self.rescore = self._act(
            "Re&score book", self.rescore_book, "Ctrl+R", "Recompute every account's health score"
        )
        self.override = self._act(
            "&Override band…",
            lambda: self.override_band(None),
            "Ctrl+B",
            "Set the selected account's health band by hand",
        )
        self.note = self._act(
            "Add &note…",
            lambda: self.add_note(None),
            "Ctrl+N",
            "Add a note to the selected account",
        )
        self.transition = self._act(
            "&Transition accounts…",
            lambda: self.start_transition(None),
            "Ctrl+T",
            "Hand the selected accounts to another CSM",
        )
        self.resume_transition = self._act(
            "&Resume transition…",
            self.resume_saved_transition,
            "Ctrl+Shift+T",
            "Continue a saved transition: checklist, export, hand over",
        )
        self.overrides = self._act("Active &overrides…", self.show_overrides, "Ctrl+Shift+O")
        self.scorecard = self._act(
            "Score&card…",
            self.edit_scorecard,
            "Ctrl+Shift+S",
            "Edit the health scorecard's weights and thresholds",
        )
        self.validate = self._act(
            "Does the score &predict churn?…", self.show_validation, "Ctrl+Shift+V"
        )
        self.worklist = self._act(
            "Renewal &worklist…",
            self.show_worklist,
            "Ctrl+Shift+W",
            "Renewals coming up, ranked by a priority you can see and change",
        )
        self.team = self._act(
            "&Team overview (one-on-ones)…",
            self.show_team,
            "Ctrl+Shift+M",
            "Each CSM's book, agenda and renewal performance",
        )
        self.retention = self._act(
            "&Retention…",
            self.show_retention,
            "Ctrl+Shift+R",
            "Logo churn, net and gross MRR retention per month or quarter",
        )
        self.about = self._act("&About Account Desk", self.show_about, S.HelpContents)
        #: Actions that mean nothing without accounts: disabled while the book is empty.
        self.book_actions: tuple[QAction, ...] = (
            self.export_view, self.find, self.clear_filters, self.rescore, self.override,
            self.note, self.transition, self.overrides, self.validate, self.worklist,
            self.team, self.retention,
        )  # fmt: skip

        mb = w.menuBar()
        file_menu = mb.addMenu("&File")
        for a in (self.open_db, self.open_demo):
            file_menu.addAction(a)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(self.connect_team_db)
        file_menu.addSeparator()
        for a in (self.import_files, self.import_history, self.review, self.export_view):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit = mb.addMenu("&Edit")
        for a in (self.undo, self.redo):
            edit.addAction(a)
        edit.addSeparator()
        edit.addAction(self.find)
        edit.addAction(self.clear_filters)
        view = mb.addMenu("&View")
        view.addAction(w.docks.scatter_dock.toggleViewAction())
        w.docks.scatter_dock.toggleViewAction().setShortcut(QKeySequence("Ctrl+1"))
        view.addAction(w.docks.detail_dock.toggleViewAction())
        w.docks.detail_dock.toggleViewAction().setShortcut(QKeySequence("Ctrl+2"))
        view.addSeparator()
        view.addAction(self.reload)
        accounts = mb.addMenu("&Accounts")
        for a in (self.worklist, self.override, self.note, self.transition, self.resume_transition):
            accounts.addAction(a)
        health = mb.addMenu("&Health")
        for a in (self.rescore, self.scorecard, self.overrides, self.validate):
            health.addAction(a)
        team = mb.addMenu("&Team")
        for a in (self.team, self.retention):
            team.addAction(a)
        from desktop_app.ui.managers_actions import ManagersActions

        team.addSeparator()
        self.managers = ManagersActions(w, team)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.about)

        tb = QToolBar("Main", w)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        toolbar_actions: tuple[QAction | None, ...] = (
            self.import_files,
            self.export_view,
            None,
            self.undo,
            self.redo,
            None,
            self.override,
            self.note,
            self.transition,
            None,
            self.rescore,
        )
        for item in toolbar_actions:
            if item is None:
                tb.addSeparator()
            else:
                tb.addAction(item)
        w.addToolBar(tb)

    # ------------------------------------------------------------------ helpers
    def set_has_book(self, has_book: bool) -> None:
        """Enable the actions that need accounts only when the book has some."""
        for action in self.book_actions:
            action.setEnabled(has_book)

    def selected_account(self, account_id: int | None) -> int | None:
        if account_id is not None:
            return int(account_id)
        focus = self.state.focus
        if focus is None:
            self.w.statusBar().showMessage("Select an account first.", 4000)
            return None
        return int(focus)

    def data_changed(self, *_args: Any) -> None:
        """After an import, a rollback or a rescore: reload the whole book (a new book for
        the views, which refit), keeping filter and selection."""
        self.w.reload()

    def accounts_changed(self, account_ids: Any) -> None:
        """After an edit of a few accounts: reload only their rows, on a reader."""
        from desktop_app.services.book import load_rows

        ids = unique_ids(account_ids)
        if ids.size == 0:
            return
        state = self.state
        generation = state.generation

        def apply(part: Any) -> None:
            if state.generation == generation:  # not for a database opened since
                state.update_accounts(part, ids)

        self.w.run_task(load_rows, self.w.store, ids, self.w.today, done=apply)

    # ------------------------------------------------------------------ file
    def open_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w,
            "Open or create a database",
            str(Path(self.w.store.location).parent),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open (or create and migrate) ``path`` on a worker, then switch the window to it.

        True once the open has started; a refusal (not a database, a newer schema) is shown
        in a message box when the worker reports it.
        """
        from desktop_app.services.database import open_database

        self.w.statusBar().showMessage(f"Opening {path}…")
        self.w.run_task(open_database, path, done=self._opened)
        return True

    def _opened(self, store: Any) -> None:
        self.w.statusBar().clearMessage()
        self.w.settings.add_recent_database(store.location)
        self.w.settings.set("last_database", store.location)
        self.w.switch_store(store)

    def connect_team(self) -> None:
        from desktop_app.ui.dialogs.connect_dialog import connect_to_team

        connect_to_team(self.w)

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        assert menu is not None
        menu.clear()
        recent = self.w.settings.get("recent_databases")
        if not recent:
            menu.addAction("(none yet)").setEnabled(False)
        for i, path in enumerate(recent):
            act = menu.addAction(f"&{i + 1} {path}")
            act.triggered.connect(lambda _c=False, p=path: self.open_path(p))

    def open_demo_book(self) -> None:
        """Generate and score a demo book on the writer, with progress and Cancel."""
        from desktop_app.services.demo import create_demo_store

        directory = Path(tempfile.mkdtemp(prefix="account-desk-demo-"))
        self.w.temp_dirs.append(directory)  # removed when the application quits
        self.open_demo.setEnabled(False)
        worker = self.w.run_task(
            create_demo_store,
            directory,
            write=True,
            progress=True,
            done=lambda store: self.w.switch_store(store, demo=True),
            title="Creating the demo book…",
        )
        for signal in (worker.signals.finished, worker.signals.failed):
            signal.connect(lambda *_a: self.open_demo.setEnabled(True))
        worker.signals.cancelled.connect(lambda: self.open_demo.setEnabled(True))

    def open_import_wizard(self, paths: list[str] | None) -> None:
        from desktop_app.ui.dialogs.import_wizard import ImportWizard

        if paths is None and not self.w.isVisible():
            return
        wizard = ImportWizard(self.w.store, paths, self.w)
        wizard.imported.connect(self._after_import)
        self._open(wizard, "import_wizard")

    def _open(self, dialog: Any, name: str) -> None:
        """Open a window modeless at the user's last size for it (fitted to the screen)."""
        from desktop_app.ui.geometry import remember_size

        remember_size(dialog, self.w.settings, name)
        dialog.open()

    def _after_import(self, *_args: Any) -> None:
        from desktop_app.services.health import rescore_after_import

        # Only the accounts the import touched, unless a book-wide input changed.
        self.w.run_task(
            rescore_after_import,
            self.w.store,
            write=True,
            progress=True,
            done=self.data_changed,
            title="Rescoring…",
        )

    def show_import_history(self) -> None:
        from desktop_app.ui.dialogs.import_history import ImportHistoryDialog

        dialog = ImportHistoryDialog(self.w.store, self.w)
        dialog.rolledBack.connect(lambda _b: self.rescore_book())
        self._open(dialog, "import_history")

    def show_review(self) -> None:
        from desktop_app.ui.dialogs.review_dialog import ReviewDialog

        dialog = ReviewDialog(self.w.store, self.w, undo_stack=self.w.undo_stack, state=self.state)
        dialog.changed.connect(self.rescore_book)
        self._open(dialog, "review")

    def export_table(self) -> None:
        from desktop_app.services.book import export_view

        order = self.state.order()
        if len(order) == 0:
            self.w.statusBar().showMessage("Nothing to export: no accounts in view.", 4000)
            return
        path, _ = QFileDialog.getSaveFileName(
            self.w,
            "Export accounts in view",
            "accounts.xlsx",
            "Excel workbook (*.xlsx);;CSV (*.csv)",
        )
        if not path:
            return
        # On a worker: 20k rows are ~1 s of work that used to freeze the window.
        self.w.run_task(
            export_view,
            self.state.book,
            order,
            path,
            done=lambda n: self.w.statusBar().showMessage(
                f"Exported {n:,} accounts to {path}", 6000
            ),
            title="Exporting accounts…",
        )

    # ------------------------------------------------------------------ health
    def rescore_book(self) -> None:
        from desktop_app.services.health import rescore

        # Writes are serialised on the one-thread writer pool, so a rescore asked for while
        # another runs starts after it and sees the newest data.
        self.w.run_task(
            rescore,
            self.w.store,
            write=True,
            progress=True,
            done=self.data_changed,
            title="Rescoring…",
        )

    def override_band(self, account_id: int | None) -> None:
        from desktop_app.ui.dialogs.override_dialog import OverrideDialog

        aid = self.selected_account(account_id)
        if aid is None:
            return
        dialog = OverrideDialog(self.w.store, aid, self.w)
        dialog.accepted.connect(lambda: self.push_override(aid, dialog.result_values()))
        dialog.open()

    def push_override(self, account_id: int, v: Any) -> None:
        """Set an override from the dialog's values as one undoable command."""
        from desktop_app.ui.undo.health import SetOverrideCommand

        command = SetOverrideCommand(
            self.w.store,
            account_id,
            v.band,
            v.reason_code,
            v.note or None,
            self.user(),
            v.expires_on,
            on_change=self.accounts_changed,
            on_error=self.w.show_error,
            expected_active=v.expected_active,
        )
        command.on_stale = self.resolve_stale
        self.w.undo_stack.push(command)

    def resolve_stale(self, command: Any, stale: Any) -> None:
        """Another client saved first: show theirs beside ours; re-apply ours or keep theirs."""
        from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog

        dialog = StaleEditDialog(stale, command.mine, self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                command.reapply(stale)
            else:
                command.keep_theirs()

        dialog.finished.connect(decided)
        dialog.open()

    def add_note(self, account_id: int | None) -> None:
        aid = self.selected_account(account_id)
        if aid is None:
            return
        if account_id is not None and int(account_id) not in set(self.state.selection.tolist()):
            self.state.select(np.array([aid]), focus=aid)
        else:
            self.state.set_focus(aid)
        self.w.open_note_dialog(self.user())

    def user(self) -> str | None:
        import getpass

        name = self.w.settings.get("user_name")
        if name:
            return str(name)
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return None

    def show_overrides(self) -> None:
        from desktop_app.ui.dialogs.overrides_list import OverridesListDialog

        dialog = OverridesListDialog(
            self.w.store, self.w, undo_stack=self.w.undo_stack, user=self.user()
        )
        dialog.accountRequested.connect(self._select_one)
        dialog.accountChanged.connect(self.accounts_changed)
        self._open(dialog, "overrides")

    def _select_one(self, account_id: int) -> None:
        self.state.select(np.array([account_id]), focus=account_id)

    def edit_scorecard(self) -> None:
        from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor

        editor = ScorecardEditor(self.w.store, self.w)
        editor.scorecardChanged.connect(lambda: self.rescore_book())
        self._open(editor, "scorecard")

    def show_validation(self) -> None:
        from desktop_app.ui.dialogs.validation_view import ValidationView

        self._open(ValidationView(self.w.store, self.w), "validation")

    def show_worklist(self) -> None:
        from desktop_app.ui.dialogs.worklist_view import WorklistView

        view = WorklistView(self.w.store, self.w, today=self.w.today, undo_stack=self.w.undo_stack)
        view.accountRequested.connect(self._open_account)
        self._open(view, "worklist")

    def _open_account(self, account_id: int) -> None:
        self._select_one(account_id)
        self.w.show_detail()

    # ------------------------------------------------------------------ team
    def show_team(self) -> None:
        from desktop_app.ui.dialogs.team_view import TeamView

        view = TeamView(self.w.store, self.w, today=self.w.today)
        view.accountRequested.connect(self._select_one)
        self._open(view, "team")

    def show_retention(self) -> None:
        from desktop_app.ui.dialogs.retention_view import RetentionView

        self._open(RetentionView(self.w.store, self.w, today=self.w.today), "retention")

    # ------------------------------------------------------------------ transition
    def start_transition(self, account_ids: Any) -> None:
        from desktop_app.ui.dialogs.transition_wizard import TransitionWizard

        ids = self.state.selection if account_ids is None else np.asarray(account_ids)
        wizard = TransitionWizard(
            self.w.store,
            [int(i) for i in ids],
            self.w,
            undo_stack=self.w.undo_stack,
            book=self.state.book,  # the window's book: not read a second time
        )
        wizard.ownersChanged.connect(lambda: self.accounts_changed(wizard.changed_accounts()))
        self._open(wizard, "transition")

    def resume_saved_transition(self) -> None:
        """Read the saved transitions on a worker, then ask which one to resume."""
        from desktop_app.services.transitions import list_transitions

        self.w.run_task(list_transitions, self.w.store, done=self._pick_transition)

    def _pick_transition(self, saved: list[Any]) -> None:
        from PySide6.QtWidgets import QInputDialog

        from desktop_app.ui.dialogs.transition_wizard import TransitionWizard

        if not saved:
            self.w.statusBar().showMessage(
                "No saved transitions yet: select accounts and use Transition accounts…", 5000
            )
            return
        labels = [
            f"#{t.id} {t.name} — {t.accounts} accounts, {t.status}, {t.created_at:%Y-%m-%d}"
            for t in saved
        ]
        choice, ok = QInputDialog.getItem(
            self.w, "Resume transition", "Saved transitions:", labels, 0, False
        )
        if not ok:
            return
        chosen = saved[labels.index(choice)]
        wizard = TransitionWizard.resume(
            self.w.store, chosen.id, self.w, undo_stack=self.w.undo_stack
        )
        wizard.ownersChanged.connect(lambda: self.accounts_changed(wizard.changed_accounts()))
        self._open(wizard, "transition")

    # ------------------------------------------------------------------ help
    def show_about(self) -> None:
        QMessageBox.about(
            self.w,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Review a book of B2B accounts offline: health you can explain, renewals, "
            "and account transitions that follow the team's SOP.</p>"
            f"<p>Database: {self.w.store.location}</p>",
        )


def build(window: MainWindow, state: BookState) -> Actions:
    actions = Actions(window, state)
    actions.build()
    return actions
