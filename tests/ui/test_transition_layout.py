"""Transition wizard layout: fitted columns, the full-width checklist, the export preview."""

from __future__ import annotations

from datetime import date

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView
from sqlalchemy import select, update

from desktop_app.io.exporters.rows import SHEET_LIST, TRANSITION_COLUMNS
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account
from desktop_app.ui.dialogs.transition_export import (
    MISSING_COLOUR,
    ExportPreviewModel,
    fit_widths,
    missing_summary,
)
from desktop_app.ui.dialogs.transition_wizard import PAGE_FINISH, TransitionWizard
from tests.transition_helpers import RECEIVER, movable_accounts, settle

_H = Qt.Orientation.Horizontal
_MODE = QHeaderView.ResizeMode


def _wizard(qtbot, store: Store, ids: list[int], today: date) -> TransitionWizard:
    wizard = TransitionWizard(store, ids, today=today)
    qtbot.addWidget(wizard)
    wizard.resize(1100, 720)
    wizard.show()
    settle(qtbot, wizard)
    return wizard


def test_account_names_stretch_on_one_line(qtbot, demo_store: Store, today: date) -> None:
    wizard = _wizard(qtbot, demo_store, movable_accounts(demo_store, 4), today)
    view = wizard.accounts_page.view
    header = view.horizontalHeader()
    assert header.sectionResizeMode(0) == _MODE.Stretch
    assert [header.sectionResizeMode(c) for c in (1, 2, 3)] == [_MODE.ResizeToContents] * 3
    assert not view.wordWrap()
    assert header.sectionSize(0) > max(header.sectionSize(c) for c in (1, 2, 3))
    model = wizard.accounts_page.model
    arr = model.index(0, 3)
    assert arr.data().startswith("$")
    assert arr.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight.value
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == model.index(0, 0).data()


def test_checklist_gets_the_width_and_wraps(qtbot, demo_store: Store, today: date) -> None:
    wizard = _wizard(qtbot, demo_store, movable_accounts(demo_store, 3), today)
    wizard.next()
    wizard.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    wizard.next()
    settle(qtbot, wizard)
    page = wizard.items_page
    assert page.split.orientation() == Qt.Orientation.Vertical
    assert page.split.widget(1) is page.checklist_view
    left, right = page.top_split.sizes()
    assert left > right > 0  # the account list is the wider side
    checklist = page.checklist_view
    header = checklist.horizontalHeader()
    assert checklist.wordWrap()
    assert header.sectionResizeMode(2) == _MODE.Stretch
    assert header.sectionResizeMode(3) == _MODE.Stretch
    assert header.sectionSize(2) > 250  # the question is readable, not a few words
    model = page.checklist_model
    question = model.index(3, 2)
    assert question.data(Qt.ItemDataRole.ToolTipRole) == question.data()
    assert len(question.data()) > 30
    # Wrapped rows grow to the text: a long row is taller than a one-line row.
    heights = {checklist.rowHeight(r) for r in range(model.rowCount())}
    assert len(heights) > 1


def test_finish_page_previews_the_sheet_with_missing_cells(
    qtbot, qtmodeltester, demo_store: Store, today: date, tmp_path
) -> None:
    ids = movable_accounts(demo_store, 3)
    with demo_store.sessions() as s:
        s.execute(update(Account).where(Account.id == ids[1]).values(lms_id=None))
        name = s.scalar(select(Account.name).where(Account.id == ids[1]))
        s.commit()
    wizard = _wizard(qtbot, demo_store, ids, today)
    wizard.next()
    wizard.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    wizard.next()
    settle(qtbot, wizard)
    wizard.next()
    assert wizard.currentId() == PAGE_FINISH
    page = wizard.finish_page
    model = page.preview_model
    assert isinstance(model, ExportPreviewModel)
    qtmodeltester.check(model)
    headers = tuple(model.headerData(c, _H) for c in range(model.columnCount()))
    assert headers == TRANSITION_COLUMNS
    assert model.rowCount() == 3
    lms = TRANSITION_COLUMNS.index("LMS ID")
    assert model.index(1, lms).data() == ""
    assert model.is_missing(1, lms)
    brush = model.index(1, lms).data(Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == MISSING_COLOUR.name() == "#ffc7ce"
    assert model.index(0, lms).data(Qt.ItemDataRole.BackgroundRole) is None
    text = page.missing_label.text()
    assert text.startswith("1 missing required value")
    assert f"{name}: LMS ID" in text
    # The preview shows what the file holds, cell by cell.
    out = tmp_path / "list.xlsx"
    wizard.export_to(out)
    settle(qtbot, wizard)
    assert page.status_label.text().startswith("Wrote 3 accounts")
    sheet = list(openpyxl.load_workbook(out)[SHEET_LIST].iter_rows(values_only=True))
    mrr = TRANSITION_COLUMNS.index("MRR")
    for r, row in enumerate(sheet[1:]):
        for c, value in enumerate(row):
            shown = model.index(r, c).data()
            if c == mrr:
                assert shown == f"${value:,.2f}"
            else:
                assert shown == ("" if value is None else str(value))
    # Every column is in view at the wizard's size (widest ones elided).
    header = page.preview_view.horizontalHeader()
    total = sum(header.sectionSize(c) for c in range(model.columnCount()))
    assert total <= page.preview_view.viewport().width()


def test_fit_widths_caps_the_widest_columns() -> None:
    assert fit_widths([50, 80, 100], 400) == [50, 80, 100]
    assert fit_widths([50, 300, 400], 450) == [50, 200, 200]
    assert sum(fit_widths([120, 90, 300, 260, 75], 600)) <= 600
    assert fit_widths([200, 200], 10) == [48, 48]


def test_missing_summary_is_compact() -> None:
    from desktop_app.io.exporters.rows import MissingValue

    assert missing_summary([]).startswith("No missing required values")
    many = [MissingValue(i, f"Acct {i}", "Phone Number") for i in range(9)]
    text = missing_summary(many, limit=3)
    assert text.startswith("9 missing required values")
    assert "Acct 2: Phone Number" in text
    assert "Acct 3" not in text
    assert text.endswith("… and 6 more")
