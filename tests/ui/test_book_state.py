"""BookState: one book, mask, sort, selection and focus, and the signals views follow."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from desktop_app.domain.book import BookColumns
from desktop_app.services.book.filter import BookFilter, filter_mask
from desktop_app.ui.book_state import BookState
from desktop_app.ui.models.account_table import AccountTableModel
from tests.ui.test_scatter import synthetic_book


def _row(book: BookColumns, i: int) -> BookColumns:
    """Row ``i`` of ``book`` as a one-account book (what ``load_rows`` returns)."""
    names = [f for f in book.__dataclass_fields__ if f not in ("as_of", "cache", "sources")]
    data = {f: getattr(book, f)[[i]].copy() for f in names}
    return BookColumns(as_of=book.as_of, **data)


@pytest.fixture
def state(qapp) -> BookState:  # type: ignore[no-untyped-def]
    s = BookState()
    s.replace_book(synthetic_book(200))
    return s


def test_a_new_book_keeps_filter_and_the_selection_that_still_exists(qtbot, state) -> None:  # type: ignore[no-untyped-def]
    state.set_filter(BookFilter(lifecycle="active"))
    state.select(np.array([3, 150]))
    smaller = synthetic_book(100)
    with qtbot.waitSignal(state.bookReplaced), qtbot.waitSignal(state.selectionChanged) as sel:
        state.replace_book(smaller)
    assert sel.args[0].tolist() == [3]
    assert state.focus == 3
    np.testing.assert_array_equal(state.mask, filter_mask(smaller, BookFilter(lifecycle="active")))


def test_focus_is_the_first_selected_account_in_table_order(state) -> None:  # type: ignore[no-untyped-def]
    state.set_sort("mrr", False)
    ids = np.array([10, 20, 30, 40])
    state.select(ids)
    rows = state.rows_of(ids)
    richest = int(ids[np.argmax(state.book.mrr[rows])])
    assert state.focus == richest
    state.set_focus(20)
    state.select(np.array([20, 40]))  # still selected: the focus stays
    assert state.focus == 20
    state.select(np.empty(0, dtype=np.int64))
    assert state.focus is None


def test_an_edit_signals_its_ids_and_the_mask_when_a_filter_is_affected(qtbot, state) -> None:  # type: ignore[no-untyped-def]
    state.set_filter(BookFilter(bands=("Escalation",)))
    before = int(state.mask.sum())
    i = int(np.flatnonzero(state.book.band != "Escalation")[0])
    aid = int(state.book.account_id[i])
    part_override = state.book.override_band[[i]].copy()
    part_override[0] = "Escalation"
    book = state.book
    part = replace(_row(book, i), override_band=part_override)
    replaced: list[int] = []
    state.bookReplaced.connect(lambda: replaced.append(1))
    with qtbot.waitSignal(state.accountsChanged) as changed, qtbot.waitSignal(state.maskChanged):
        state.update_accounts(part, np.array([aid]))
    assert changed.args[0].tolist() == [aid]
    assert replaced == []
    assert int(state.mask.sum()) == before + 1
    assert state.book is not book  # a new book object; the old one is unchanged
    assert book.override_band[i] is None or book.override_band[i] != "Escalation"


def test_model_repaints_edited_rows_without_a_reset(qtbot, state) -> None:  # type: ignore[no-untyped-def]
    model = AccountTableModel(state)
    i = 7
    aid = int(state.book.account_id[i])
    part = _row(state.book, i)
    part.health_score[0] = 1.0
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.dataChanged) as changed:
        state.update_accounts(part, np.array([aid]))
    assert resets == []
    assert model.account_id(changed.args[0].row()) == aid
    assert state.book.health_score[i] == 1.0


def test_a_mask_of_the_wrong_length_is_refused(state) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="mask has 3 rows"):
        state.set_mask(np.ones(3, dtype=bool))
