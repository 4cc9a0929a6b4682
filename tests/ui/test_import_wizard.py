"""Import wizard and import history, driven end to end with qtbot on real files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from desktop_app.services.importing.batch import import_files, list_batches
from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.import_history import ImportHistoryDialog
from desktop_app.ui.dialogs.import_wizard import ImportWizard
from desktop_app.ui.workers import Worker, reader_pool, start, wait_all

HEADER = ["Account ID", "Account Name", "Account Owner", "LMS ID", "Recurly ID"]
ROWS = [
    ["001A000001AbCdE", "Lakeside Clinic", "Holly Grant", "LMS-1", "lakeside"],
    ["001A000001XyZwV", "Summit Health", "Daniel Reyes", "LMS-2", "summit"],
    ["001A000001QrStU", "Cedar Valley Dental", "Holly Grant", "LMS-3", "cedar"],
]


def write_xlsx(path: Path, rows: list[list[object]]) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Report"
    for row in rows:
        ws.append(row)
    hidden = wb.create_sheet("Lookup")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    wb.save(path)
    return str(path)


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"select count(*) from {table}").scalar_one())


@pytest.fixture
def accounts_xlsx(tmp_path: Path) -> str:
    return write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ROWS])


def test_wizard_previews_and_imports(qtbot, qtmodeltester, store, accounts_xlsx) -> None:
    wizard = ImportWizard(store, [accounts_xlsx])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.files_page.isComplete()
    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: not page.reading(), timeout=10000)
    assert "Salesforce account report" in page.source_label.text()
    assert "salesforce_accounts" not in page.source_label.text()  # human names only
    assert page.table_model.rowCount() == 3
    qtmodeltester.check(page.table_model)
    names = [page.table_model.index(r, 2).data() for r in range(3)]
    assert names == ["Lakeside Clinic", "Summit Health", "Cedar Valley Dental"]
    sheets = [page.sheet_combo.itemText(i) for i in range(page.sheet_combo.count())]
    assert sheets == ["Report", "Lookup (hidden)"]
    assert page.mapping.isHidden()
    assert page.isComplete()
    with qtbot.waitSignal(wizard.imported, timeout=10000) as blocker:
        wizard.next()
    summaries = blocker.args[0]
    assert [(s.kind, s.new) for s in summaries] == [("accounts", 3)]
    qtbot.waitUntil(lambda: wizard.run_page.isComplete())
    assert "3 new" in wizard.run_page.summary.text()
    assert count(store, "accounts") == 3
    assert count(store, "csms") == 2


def test_cancelled_import_writes_nothing(qtbot, store, db_path, accounts_xlsx) -> None:
    wizard = ImportWizard(store, [accounts_xlsx])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.preview_page.reading(), timeout=10000)
    before = dump(db_path)
    gate = threading.Event()
    blocker = Worker(lambda progress: gate.wait(10))
    start(blocker, write=True)  # the writer pool is busy: the import waits in the queue
    wizard.next()
    wizard.run_page.cancel()
    gate.set()
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=10000)
    assert "cancelled" in wizard.run_page.status.text()
    assert wait_all()
    assert dump(db_path) == before
    assert count(store, "accounts") == 0


def test_unknown_file_is_mapped_saved_as_profile_and_imported(qtbot, store, tmp_path) -> None:
    path = write_xlsx(tmp_path / "clients.xlsx", [
        ["Client", "Salesforce Ref", "Manager"],
        ["Lakeside Clinic", "001A000001AbCdE", "Holly Grant"],
    ])  # fmt: skip
    wizard = ImportWizard(store, [path])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.preview_page
    qtbot.waitUntil(lambda: not page.reading(), timeout=10000)
    assert not page.mapping.isHidden()
    assert not page.isComplete()
    editor = page.mapping
    editor.kind_combo.setCurrentText("accounts")
    editor.combos["Client"].setCurrentText("name")
    editor.combos["Salesforce Ref"].setCurrentText("sf_account_id")
    editor.combos["Manager"].setCurrentText("owner")
    editor.apply_button.click()
    qtbot.waitUntil(lambda: not page.reading(), timeout=10000)  # re-read on a worker
    assert page.table_model.rowCount() == 1
    assert page.isComplete()
    editor.profile_name.setText("Client list")
    editor.save_button.click()
    assert editor.status.text() == "Saving profile “Client list”…"  # on the writer
    qtbot.waitUntil(lambda: "Saved as profile" in editor.status.text(), timeout=10000)
    assert count(store, "import_profiles") == 1
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        wizard.next()
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql(
            "select a.name, c.full_name from accounts a join csms c on c.id = a.owner_id"
        ).all()
    assert [tuple(r) for r in got] == [("Lakeside Clinic", "Holly Grant")]


def test_files_can_be_dropped_on_the_wizard(qtbot, store, accounts_xlsx) -> None:
    wizard = ImportWizard(store)
    qtbot.addWidget(wizard)
    assert not wizard.files_page.isComplete()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(accounts_xlsx)])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    wizard.dropEvent(event)
    assert wizard.files_page.paths() == [accounts_xlsx]
    assert wizard.files_page.isComplete()


def test_history_rolls_back_after_confirmation(
    qtbot, qtmodeltester, store, db_path, accounts_xlsx, monkeypatch
) -> None:
    before = dump(db_path)
    (summary,) = import_files(store, [accounts_xlsx])
    dialog = ImportHistoryDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.status.text() == "Reading the import history…"  # read on a worker
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=5000)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 1
    assert not dialog.rollback_button.isEnabled()
    dialog.select_batch(summary.batch_id)
    assert dialog.rollback_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.rollback_button.click()
    assert count(store, "accounts") == 3
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.rolledBack, timeout=5000) as blocker:
        dialog.rollback_button.click()
        # On the writer: the dialog says so, shows a busy bar and cannot start a second one.
        assert dialog.status.text().startswith(f"Rolling back batch {summary.batch_id}")
        assert not dialog.busy_bar.isHidden()
        assert not dialog.rollback_button.isEnabled()
    assert blocker.args == [summary.batch_id]
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=5000)
    assert dialog.busy_bar.isHidden()
    assert dialog.status.text().startswith(f"Batch {summary.batch_id} rolled back: 3 new row(s)")
    assert count(store, "accounts") == 0
    assert [b.active for b in list_batches(store)] == [False]
    skip = ('"import_batches"',)
    assert [ln for ln in dump(db_path) if not any(s in ln for s in skip)] == [
        ln for ln in before if not any(s in ln for s in skip)
    ]
    assert "rolled back" in dialog.model.index(0, 10).data()


def test_a_refused_rollback_says_why(qtbot, store, accounts_xlsx, monkeypatch) -> None:
    (summary,) = import_files(store, [accounts_xlsx])
    dialog = ImportHistoryDialog(store)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=5000)
    dialog.select_batch(summary.batch_id)
    from desktop_app.services.importing.batch import rollback_batch

    rollback_batch(store, summary.batch_id)  # behind the dialog's back: its list is stale
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.rollback_button.click()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=5000)
    assert dialog.status.text() == (
        f"Not rolled back: Import batch {summary.batch_id} was already rolled back."
    )
    assert dialog.busy_bar.isHidden()
    assert dialog.model.rows[0].active is False  # read again: no second try offered
    assert not dialog.rollback_button.isEnabled()


def test_preview_is_read_on_a_worker_and_can_be_cancelled(qtbot, store, tmp_path) -> None:
    path = tmp_path / "big_accounts.csv"
    lines = ["Account ID,Account Name,Account Owner,MRR"]
    lines += [f"001A{i:011d},Account {i},CSM {i % 7},{i}.5" for i in range(120_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gate = threading.Event()
    blockers = [
        Worker(lambda progress: gate.wait(10)) for _ in range(reader_pool().maxThreadCount())
    ]
    for blocker in blockers:  # every reader thread busy: the preview cannot finish before Cancel
        start(blocker)
    wizard = ImportWizard(store, [str(path)])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.preview_page
    assert page.reading()
    assert not page.isComplete()
    assert page.cancel_read_button.isVisibleTo(wizard)
    page.cancel_reading()
    gate.set()
    qtbot.waitUntil(lambda: not page.reading(), timeout=20000)
    assert page.previews == {}
    assert "reading cancelled" in page.source_label.text()
    assert not page.isComplete()
    assert not page.cancel_read_button.isVisibleTo(wizard)
    wizard.back()
    wizard.next()  # reading again, without Cancel, gives the preview
    qtbot.waitUntil(lambda: not page.reading(), timeout=20000)
    assert page.table_model.rowCount() > 0
    assert "120,000 to import" in page.counts_label.text()
    assert page.isComplete()
    assert wait_all()
    assert count(store, "accounts") == 0


def test_unreadable_file_is_named_and_the_good_one_imported(qtbot, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.dialogs.import_preview_widgets import field_label
    from desktop_app.ui.dialogs.import_wizard import ImportWizard
    from tests.io.fixtures import sf_accounts_csv

    good = sf_accounts_csv(tmp_path)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    wizard = ImportWizard(store, [str(good), str(bad)])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.reading(), timeout=10000)
    # One bad file does not block the drop: the good file is imported, the bad one named.
    assert page.isComplete()
    assert [Path(p.file).name for p in page.importable()] == [good.name]
    assert "broken.xlsx" in page.blocked_label.text()
    assert "not imported" in page.blocked_label.text()
    assert page.blocked_label.isVisible()
    assert field_label("sf_account_id") == "SF account ID"
    page.file_combo.setCurrentIndex(0)
    header = page.table_model.headerData(1, Qt.Orientation.Horizontal)
    assert header == "SF account ID"


def test_a_crafted_far_cell_is_refused_in_the_wizard_not_an_abort(  # type: ignore[no-untyped-def]
    qtbot, store, tmp_path
) -> None:
    from tests.corpus.generate import _FAR, _header_rows, _sheet, _xlsx

    far = _xlsx(tmp_path / "far.xlsx", _sheet(_header_rows(_FAR), "A1:C2"))
    wizard = ImportWizard(store, [str(far)])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.reading(), timeout=10000)
    assert not page.isComplete()
    assert "far.xlsx" in page.blocked_label.text()
    assert "implausible" in page.source_label.text() + page.blocked_label.text()
