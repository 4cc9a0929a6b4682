"""The guided account transition (SOP): accounts, receivers, scenarios and checklist, export.

The transition is saved when the receivers page is left, and every later edit is saved at
once, so the wizard can be closed and resumed (``TransitionWizard.resume``). Checklist ticks,
scenario changes and "Hand over" (mark done) are QUndoCommands on the given ``undo_stack``
(or a private one). ``ownersChanged`` is emitted after the owners change (execute, undo,
confirm).

The wizard reads and writes on tasks: the CSM names and (without the window's book) the
accounts on a worker, saving on the writer (the wizard moves on once saved), the saved
transition and its sheet preview on a worker after every edit, exports and briefs on a
worker. ``loading()`` is what tests wait on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QWizard,
)

from desktop_app.domain.book import BookColumns
from desktop_app.services.book import load_book
from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit
from desktop_app.services.transitions import (
    ExportResult,
    TransitionView,
    brief_data,
    confirm_transition,
    create_transition,
    csm_names,
    export_rows,
    export_transition,
    load_transition,
    missing_fields,
    undo_execute,
)
from desktop_app.ui.dialogs.transition_export import FinishPage
from desktop_app.ui.dialogs.transition_items import ItemsPage
from desktop_app.ui.dialogs.transition_pages import (
    AccountsPage,
    ReceiversPage,
)
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.undo.transition import (
    ExecuteTransitionCommand,
    SetChecklistItemCommand,
    SetScenarioCommand,
)
from desktop_app.ui.workers import ReportLoader, run_task, writes_pending

PAGE_ACCOUNTS, PAGE_RECEIVERS, PAGE_ITEMS, PAGE_FINISH = range(4)
_OWNERS_CHANGED = "Owners changed: reading the transition again…"
STEPS = ("Accounts", "Receiving CSM", "Scenario and checklist", "Export and hand over")


def read_saved(store: Store, transition_id: int) -> tuple[TransitionView, list[Any]]:
    """On a worker: the saved transition and the rows of its sheet."""
    view = load_transition(store, transition_id)
    rows, _s, _c = export_rows(store, transition_id)
    return view, rows


def write_briefs_file(
    store: Store, account_ids: list[int], transition_id: int | None, today: date, path: str
) -> int:
    """On a worker: every account's handoff brief into one PDF; its page count."""
    from desktop_app.ui.brief_pdf import write_brief_pdf

    briefs = [brief_data(store, aid, transition_id, today) for aid in account_ids]
    return write_brief_pdf(briefs, path)


def step_text(page_id: int) -> str:
    """The step indicator under a page's title: ``Step 2 of 4 · Accounts › **Receiving CSM** …``."""
    names = [f"<b>{n}</b>" if i == page_id else n for i, n in enumerate(STEPS)]
    return f"Step {page_id + 1} of {len(STEPS)} · " + " › ".join(names)


class TransitionWizard(QWizard):
    """Prepare, save, export and execute an account transition."""

    ownersChanged = Signal()

    def __init__(
        self,
        store: Store,
        account_ids: list[int] | None = None,
        parent: Any = None,
        *,
        transition_id: int | None = None,
        undo_stack: QUndoStack | None = None,
        today: date | None = None,
        book: BookColumns | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Account transition")
        self.store = store
        self.today = today or date.today()
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.transition_id: int | None = transition_id
        self.view: TransitionView | None = None
        self._saving = False
        self._busy = 0  # reads of the set-up and writes under way (not the saved view's)
        self._saved = ReportLoader(self.show_status, self._show_saved)
        self.accounts_page = AccountsPage(list(account_ids or []), self.today, self)
        self.receivers_page = ReceiversPage(store, self.today, self)
        self.items_page = ItemsPage(self)
        self.finish_page = FinishPage(self)
        for pid, page in enumerate(
            (self.accounts_page, self.receivers_page, self.items_page, self.finish_page)
        ):
            page.setSubTitle(step_text(pid))
            self.setPage(pid, page)
        # Edits are saved as they happen: the last button closes the wizard, it does not
        # hand anything over ("Hand over" on the last page changes the owners).
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        fit_to_screen(self, 1100, 720)
        if transition_id is not None:
            self.setStartId(PAGE_ITEMS)
            self.reload()
        else:
            self._read_setup(book)

    def _read_setup(self, book: BookColumns | None) -> None:
        """The CSM names, and the book unless the window gave its own, on workers."""
        self._begin()
        run_task(csm_names, self.store, done=self._csms_read, failed=self._setup_failed)
        if book is not None:
            self.accounts_page.set_book(book)
            return
        self._begin()
        run_task(load_book, self.store, self.today, done=self._book_read, failed=self._setup_failed)

    def _csms_read(self, names: list[str]) -> None:
        self._end()
        self.accounts_page.set_csms(names)
        self.receivers_page.set_csms(names)

    def _book_read(self, book: BookColumns) -> None:
        self._end()
        self.accounts_page.set_book(book)

    def _setup_failed(self, message: str) -> None:
        self._end()
        self.accounts_page.count_label.setText(f"Not read: {message}")

    def _begin(self) -> None:
        self._busy += 1

    def _end(self) -> None:
        self._busy -= 1

    def loading(self) -> bool:
        """Something is being read or written (what tests wait on)."""
        busy = self._busy > 0 or self._saved.busy() or self.receivers_page.loading()
        return busy or writes_pending()

    @classmethod
    def resume(
        cls, store: Store, transition_id: int, parent: Any = None, **kwargs: Any
    ) -> TransitionWizard:
        """A wizard showing the saved transition ``transition_id``."""
        return cls(store, None, parent, transition_id=transition_id, **kwargs)

    # ------------------------------------------------------------ state
    def changed_accounts(self) -> list[int]:
        """The accounts this transition moves (whose owners change on execute and undo)."""
        if self.view is not None:
            return [i.account_id for i in self.view.items]
        return list(self.accounts_page.account_ids)

    def save_new(self, *, then_next: bool = False) -> None:
        """Save the transition from the first two pages on the writer (once: Next is off
        meanwhile); ``then_next`` moves on to the checklist once it is saved."""
        if self._saving:
            return
        a = self.accounts_page
        self._saving = True
        self._begin()
        self.button(QWizard.WizardButton.NextButton).setEnabled(False)
        self.receivers_page.warnings_text.setPlainText("Saving the transition…")
        run_task(
            create_transition, self.store, a.account_ids, self.receivers_page.assignments(),
            a.lead_edit.text().strip() or None, a.name_edit.text().strip(),
            a.reason_edit.text().strip() or None, self.today,
            write=True, done=lambda tid: self._created(tid, then_next), failed=self._not_saved,
        )  # fmt: skip

    def _created(self, transition_id: int, then_next: bool) -> None:
        self._saving = False
        self._end()
        self.transition_id = transition_id
        self.reload()
        if then_next and self.currentId() == PAGE_RECEIVERS:
            self.next()

    def _not_saved(self, message: str) -> None:
        self._saving = False
        self._end()
        self.receivers_page.warnings_text.setPlainText(message)
        self.button(QWizard.WizardButton.NextButton).setEnabled(True)

    def reload(self) -> None:
        """Read the saved transition and its sheet again on a worker (after every edit)."""
        if self.transition_id is None:
            return
        self._saved.load("Reading the transition…", read_saved, self.store, self.transition_id)

    def _show_saved(self, result: tuple[TransitionView, list[Any]]) -> None:
        self.view, rows = result
        self.items_page.refresh(self.view)
        self.finish_page.show_rows(rows, missing_fields(rows))
        status = self.view.status
        shown = self.finish_page.status_label.text()
        if shown == "Reading the transition…":
            self.show_status("")
        elif shown == _OWNERS_CHANGED:
            self.show_status(f"Transition is {status}.")
        self.finish_page.done_button.setEnabled(status == "draft")
        self.finish_page.undo_button.setEnabled(status == "done")
        self.finish_page.confirm_button.setEnabled(status == "done")

    def show_status(self, text: str) -> None:
        self.finish_page.status_label.setText(text)
        self.items_page.progress_label.setToolTip(text)

    def _push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # ------------------------------------------------------------ edits (undoable)
    def edit_checklist(
        self, key: str, done: bool, answer: str | None, version: int | None = None
    ) -> None:
        item = self.items_page.current_item()
        if item is not None:
            self._push(
                SetChecklistItemCommand(
                    self.store,
                    item.item_id,
                    key,
                    done,
                    answer,
                    self.reload,
                    self.show_status,
                    expected_version=item.version if version is None else version,
                    on_stale=self._checklist_stale,
                )
            )

    def _checklist_stale(self, command: SetChecklistItemCommand, stale: StaleEdit) -> None:
        """Someone else answered first: show theirs beside ours; re-apply ours or keep."""
        from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog

        dialog = StaleEditDialog(stale, command.mine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.edit_checklist(command.key, command.done, command.answer, stale.version)
            else:
                self.reload()

        dialog.finished.connect(decided)
        dialog.open()

    def change_scenario(self, item_id: int, scenario: str, reason: str) -> None:
        self._push(
            SetScenarioCommand(self.store, item_id, scenario, reason, self.reload, self.show_status)
        )

    def mark_done(self) -> None:
        if self.transition_id is not None:
            self._push(
                ExecuteTransitionCommand(
                    self.store,
                    self.transition_id,
                    self.today,
                    self._owners_changed,
                    self.show_status,
                )
            )

    def undo_done(self) -> None:
        if self.undo_stack.canUndo() and isinstance(
            self.undo_stack.command(self.undo_stack.index() - 1), ExecuteTransitionCommand
        ):
            self.undo_stack.undo()
            return
        if self.transition_id is not None:  # done in an earlier session: not on this stack
            self._write(undo_execute, self.store, self.transition_id, done=self._owners_changed)

    def confirm(self) -> None:
        if self.transition_id is None:
            return
        self._write(
            confirm_transition, self.store, self.transition_id, self.today, done=self._confirmed
        )

    def _write(self, fn: Any, *args: Any, done: Any) -> None:
        """Run a service write on the writer; its refusal is shown and the view read again."""
        self._begin()
        for button in (self.finish_page.undo_button, self.finish_page.confirm_button):
            button.setEnabled(False)

        def ok(_result: object) -> None:
            self._end()
            done()

        def refused(message: str) -> None:
            self._end()
            self.reload()
            self.show_status(message)

        run_task(fn, *args, write=True, done=ok, failed=refused)

    def _confirmed(self) -> None:
        self.undo_stack.clear()
        self.reload()
        self.show_status("Transition confirmed.")

    def _owners_changed(self) -> None:
        self.reload()
        self.show_status(_OWNERS_CHANGED)
        self.ownersChanged.emit()

    # ------------------------------------------------------------ files
    def export_to(self, path: str | Path, fmt: str = "xlsx", *, overwrite: bool = False) -> None:
        """Export the list on a worker; the status line says what was written or why not."""
        if self.transition_id is None:
            return
        self.show_status(f"Exporting the list to {Path(path).name}…")
        done, failed = self._file_task(self._exported)
        run_task(
            export_transition, self.store, self.transition_id, path, overwrite=overwrite, fmt=fmt,
            done=done, failed=failed,
        )  # fmt: skip

    def _exported(self, result: ExportResult) -> None:
        self.show_status(
            f"Wrote {result.rows} accounts to {result.path}"
            f" ({len(result.missing)} missing values highlighted)."
        )

    def write_briefs(self, path: str | Path) -> None:
        """Write the handoff brief PDF of every account on a worker; the status says when."""
        if self.view is None:
            return
        ids = [i.account_id for i in self.view.items]
        self.show_status(f"Writing the handoff brief of {len(ids)} accounts…")
        done, failed = self._file_task(
            lambda pages: self.show_status(f"Wrote the handoff brief ({pages} pages) to {path}")
        )
        run_task(
            write_briefs_file, self.store, ids, self.transition_id, self.today, str(path),
            done=done, failed=failed,
        )  # fmt: skip

    def _file_task(self, done: Any) -> tuple[Any, Any]:
        """The file buttons wait for a file task; its (done, failed) callbacks re-enable them."""
        self._begin()
        buttons = (self.finish_page.export_button, self.finish_page.csv_button,
                   self.finish_page.brief_button)  # fmt: skip
        for b in buttons:
            b.setEnabled(False)

        def finish(show: Any, value: Any) -> None:
            self._end()
            for b in buttons:
                b.setEnabled(True)
            show(value)

        return (lambda r: finish(done, r)), (lambda m: finish(self.show_status, m))

    def ask_export(self, fmt: str) -> None:
        # QFileDialog asks before replacing an existing file, so a chosen path may be replaced.
        path, _f = QFileDialog.getSaveFileName(
            self,
            "Export list of accounts to transition",
            f"List of Accounts to Transition.{fmt}",
            f"*.{fmt}",
        )
        if path:
            self.export_to(path, fmt, overwrite=True)

    def ask_brief(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, "Handoff brief", "Handoff brief.pdf", "*.pdf")
        if path:
            self.write_briefs(path)

    # ------------------------------------------------------------ Qt overrides
    def validateCurrentPage(self) -> bool:
        page = self.currentPage()
        if page is not None and not page.isComplete():  # e.g. a do-nothing receiver
            return False
        if self.currentId() == PAGE_ACCOUNTS:
            self.receivers_page.account_ids = list(self.accounts_page.account_ids)
            self.receivers_page.owners = self.accounts_page.owners()
            self.receivers_page.arr = self.accounts_page.arr()
        if self.currentId() == PAGE_RECEIVERS and self.transition_id is None:
            self.save_new(then_next=True)  # on the writer: the wizard moves on once saved
            return False
        return super().validateCurrentPage()
