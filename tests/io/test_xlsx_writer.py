"""The streaming .xlsx writer on hostile values, read back by openpyxl, calamine and pandas."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from desktop_app.io.exporters.rows import SHEET_CHECKLIST, SHEET_LIST, SHEET_SCENARIOS
from desktop_app.io.exporters.transition_xlsx import write_transition_xlsx
from desktop_app.io.exporters.xlsx_writer import (
    CURRENCY,
    CURRENCY_FORMAT,
    DATE,
    MAX_TEXT,
    MISSING,
    MISSING_RGB,
    SheetSpec,
    Value,
    write_xlsx,
)

LONG = "Lorem ipsum & <dolor> " * 2000  # 44,000 characters
#: (written, what a reader gets back) for one text column.
TEXTS: list[tuple[Value, object]] = [
    ("a & b", "a & b"),
    ("<tag>x</tag>", "<tag>x</tag>"),
    ("a > b", "a > b"),
    ('say "hi"', 'say "hi"'),
    ("it's", "it's"),
    ("]]>", "]]>"),
    ("=1+1", "=1+1"),
    ('=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
    ("+1 555 0100", "+1 555 0100"),
    ("-5", "-5"),
    ("@sum", "@sum"),
    ("\tlead tab", "\tlead tab"),
    (" lead space", " lead space"),
    ("trail space ", "trail space "),
    ("line 1\nline 2", "line 1\nline 2"),
    ("cr\r\nlf", "cr\r\nlf"),
    ("bell\x07 nul\x00 esc\x1b", "bell nul esc"),
    ("é ü ß 中文 𝄞 😀 עברית", "é ü ß 中文 𝄞 😀 עברית"),
    ("\u00a0nbsp\u00a0", "\u00a0nbsp\u00a0"),
    (json.loads('"lone \\ud800 surrogate"'), "lone  surrogate"),
    (LONG, LONG[:MAX_TEXT]),
    ("", None),
    (None, None),
]
NUMBERS: list[tuple[Value, object]] = [
    (0, 0),
    (-12, -12),
    (1234.5, 1234.5),
    (1e-300, 1e-300),
    (2**53, 2**53),
    (float("nan"), None),
    (float("inf"), None),
    (np.float64(2.25), 2.25),  # type: ignore[list-item]
    (True, "Yes"),
    (False, "No"),
    (None, None),
]
TITLES = ["Q&A <1>", 'It\'s "quoted"', "Ünïcode – ✓", "A" * 40]


def _book(path: Path) -> None:
    texts = SheetSpec(TITLES[0], (30, 12, 6))
    texts.rows.append(("Text", "Number", "Row"))
    n = max(len(TEXTS), len(NUMBERS))
    for i in range(n):
        t = TEXTS[i][0] if i < len(TEXTS) else None
        v = NUMBERS[i][0] if i < len(NUMBERS) else None
        texts.rows.append((t, v, i))  # the index keeps a row of blanks a row
    dates = SheetSpec(TITLES[1], (14,), column_styles={0: DATE})
    dates.rows.extend([("Day",), (date(2026, 2, 28),), (datetime(1999, 12, 31, 13, 5),)])
    styled = SheetSpec(TITLES[2], (10, 10), column_styles={1: CURRENCY})
    styled.rows.extend([("Name", "MRR"), ("=x", 5.0), (None, None)])
    styled.styles[(2, 0)] = MISSING
    bare = SheetSpec(TITLES[3], header=False)
    bare.rows.extend([("no header", 1), (None, None, "third")])
    write_xlsx(path, [texts, dates, styled, bare])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.xlsx"
    _book(path)
    return path


def test_every_part_is_well_formed_xml(book: Path) -> None:
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert "[Content_Types].xml" in names
        assert sum(n.startswith("xl/worksheets/sheet") for n in names) == 4
        for name in names:
            ElementTree.fromstring(zf.read(name))


def test_openpyxl_reads_every_value_back(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [*TITLES[:3], "A" * 31]
    ws = wb[TITLES[0]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows[: len(TEXTS)]] == [want for _v, want in TEXTS]
    assert [r[1] for r in rows[: len(NUMBERS)]] == [want for _v, want in NUMBERS]
    for i, (value, _want) in enumerate(TEXTS, start=2):
        cell = ws.cell(row=i, column=1)
        if isinstance(value, str) and value:
            assert cell.data_type == "s", value  # never a formula
            assert cell.quotePrefix is (value[0] in "=+-@\t"), value
    assert ws["B4"].data_type == "n"
    days = [c.value for c in wb[TITLES[1]]["A"][1:]]
    assert days == [datetime(2026, 2, 28), datetime(1999, 12, 31)]
    assert wb[TITLES[1]]["A2"].number_format == "yyyy-mm-dd"
    bare = list(wb["A" * 31].iter_rows(values_only=True))
    assert bare == [("no header", 1, None), (None, None, "third")]


def test_calamine_and_pandas_read_the_same_values(book: Path) -> None:
    cal = CalamineWorkbook.from_path(str(book))
    assert cal.sheet_names == [*TITLES[:3], "A" * 31]
    data = cal.get_sheet_by_name(TITLES[0]).to_python()
    texts = [row[0] for row in data[1 : len(TEXTS) + 1]]
    assert texts == [("" if want is None else want) for _v, want in TEXTS]
    assert [row[1] for row in data[1:5]] == [0, -12, 1234.5, 1e-300]
    for engine in ("openpyxl", "calamine"):
        frame = pd.read_excel(book, sheet_name=TITLES[0], engine=engine)
        assert list(frame.columns) == ["Text", "Number", "Row"]
        got = [None if pd.isna(v) else v for v in frame["Text"]][: len(TEXTS)]
        assert got == [want for _v, want in TEXTS], engine
        assert frame["Number"].iloc[2] == 1234.5


def test_styles_a_user_sees(book: Path) -> None:
    ws = openpyxl.load_workbook(book)[TITLES[2]]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert not ws["A2"].font.b
    assert ws.column_dimensions["A"].width == 10
    assert ws["B2"].number_format == CURRENCY_FORMAT
    assert ws["B3"].number_format == CURRENCY_FORMAT  # an empty styled cell keeps its style
    assert ws["A3"].fill.fgColor.rgb == MISSING_RGB
    assert ws["A2"].quotePrefix
    assert openpyxl.load_workbook(book)["A" * 31].freeze_panes is None


def test_transition_workbook_layout(tmp_path: Path) -> None:
    """The SOP workbook: frozen bold headers and set widths on every sheet, MRR as money."""
    from desktop_app.io.exporters.rows import ChecklistRow, ScenarioRow, TransitionRow

    row = TransitionRow("001", "A & B <Care>", "L", "r", 10.0, "Ann", "Lee", "a@x", "+1", "Dana")
    path = tmp_path / "sop.xlsx"
    write_transition_xlsx(
        path,
        [row],
        [ScenarioRow("001", "A & B <Care>", "Healthy/Stable", "automatic", "T", True, None, "")],
        [ChecklistRow("001", "A & B <Care>", ("x",), (True,))],
        [],
        ["Q?"],
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_LIST, SHEET_SCENARIOS, SHEET_CHECKLIST]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert all(c.font.b for c in ws[1])
        assert ws.column_dimensions["A"].width == 20
    assert wb[SHEET_LIST]["E2"].number_format == CURRENCY_FORMAT
    assert wb[SHEET_LIST]["E1"].number_format == "General"
    assert wb[SHEET_LIST]["I2"].value == "+1"
    assert wb[SHEET_LIST]["I2"].data_type == "s"
