"""The account table's export: one money/date format, frozen header, filter, whole scores."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
from openpyxl import load_workbook

from desktop_app.domain.formatting import XLSX_DATE, XLSX_MONEY, XLSX_NUMBER
from desktop_app.services.book.export import EXPORT_COLUMNS, export_view
from desktop_app.services.book.portfolio import load_book
from desktop_app.store.engine import Store

TODAY = date(2026, 11, 24)


def test_export_is_formatted_like_the_screens(demo_store: Store, tmp_path: Path) -> None:
    book = load_book(demo_store, TODAY)
    order = np.argsort(-np.nan_to_num(book.arr))[:50]
    target = tmp_path / "accounts.xlsx"
    assert export_view(book, order, str(target)) == 50
    ws = load_workbook(target).active
    assert ws is not None
    headers = [c.value for c in ws[1]]
    assert headers == [h for _k, h in EXPORT_COLUMNS]
    col = {h: i + 1 for i, h in enumerate(headers)}
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}51"
    for r in range(2, 52):
        mrr = ws.cell(r, col["MRR"])
        assert mrr.number_format == XLSX_MONEY
        assert ws.cell(r, col["ARR"]).number_format == XLSX_MONEY
        assert ws.cell(r, col["MAU"]).number_format == XLSX_NUMBER
        score = ws.cell(r, col["Health Score"]).value
        assert score is None or float(score).is_integer()
        renewal = ws.cell(r, col["Renewal Date"])
        if renewal.value is not None:
            assert isinstance(renewal.value, datetime)
            assert renewal.number_format == XLSX_DATE
    top = int(order[0])
    assert ws.cell(2, col["ARR"]).value == float(book.arr[top])
    assert ws.cell(2, col["Account Name"]).value == book.name[top]
    expected = book.renewal_date[top]
    if not np.isnat(expected):
        got = ws.cell(2, col["Renewal Date"]).value
        assert got.date() == expected.astype("datetime64[D]").astype(date)
