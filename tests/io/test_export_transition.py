"""The "List of Accounts to Transition" files, read back with openpyxl, calamine and csv."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop_app.io.exporters.rows import (
    SHEET_CHECKLIST,
    SHEET_LIST,
    SHEET_SCENARIOS,
    TRANSITION_COLUMNS,
    ChecklistRow,
    MissingValue,
    ScenarioRow,
    TransitionRow,
    missing_fields,
)
from desktop_app.io.exporters.transition_csv import csv_safe, write_transition_csv
from desktop_app.io.exporters.transition_xlsx import (
    CURRENCY_FORMAT,
    MISSING_RGB,
    write_transition_xlsx,
)

ENGINES = pytest.mark.parametrize("engine", ["fast", "openpyxl"])

NASTY = TransitionRow(
    "001000000000001AAA",
    '=HYPERLINK("http://evil","x")',
    "LMS-1",
    "-recurly",
    1234.5,
    "+Ann",
    "@Lee",
    "ann@x.org",
    "+1 (555) 555-0100",
    "Dana Cole",
)
PLAIN = TransitionRow(
    "001000000000002AAA",
    "Beta Care",
    "LMS-2",
    "beta",
    99.0,
    "Bo",
    "Ng",
    None,
    "555",
    "Dana Cole",
)
EXPECTED_SHEETS = [SHEET_LIST, SHEET_SCENARIOS, SHEET_CHECKLIST]


def _write(path: Path, engine: str = "fast") -> None:
    rows = [NASTY, PLAIN]
    write_transition_xlsx(
        path,
        rows,
        [
            ScenarioRow(
                "001000000000001AAA",
                NASTY.account_name,
                "Healthy/Stable",
                "automatic",
                "Account Transition - Automatic 1 - Intro by New CSM",
                True,
                None,
                "",
            )
        ],
        [ChecklistRow("001000000000001AAA", NASTY.account_name, ("=1+1", None), (True, False))],
        missing_fields(rows),
        ("Is the main contact replying?", "Are there other POCs?"),
        engine=engine,
    )


@ENGINES
def test_xlsx_columns_order_and_values_with_openpyxl(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "list.xlsx"
    _write(path, engine)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == EXPECTED_SHEETS
    ws = wb[SHEET_LIST]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == TRANSITION_COLUMNS
    assert rows[1] == NASTY.values()
    assert rows[2] == PLAIN.values()
    assert len(rows) == 3


@ENGINES
def test_formula_like_text_stays_text(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "list.xlsx"
    _write(path, engine)
    ws = openpyxl.load_workbook(path)[SHEET_LIST]
    for col, value in enumerate(NASTY.values(), start=1):
        cell = ws.cell(row=2, column=col)
        assert cell.value == value
        if isinstance(value, str):
            assert cell.data_type == "s", (col, value)
            assert cell.quotePrefix is (value[0] in "=+-@")
    check = openpyxl.load_workbook(path)[SHEET_CHECKLIST]
    assert [c.value for c in check[1]] == [
        "SF Account ID",
        "Account Name",
        "Done",
        "Is the main contact replying?",
        "Done?",
        "Are there other POCs?",
        "Done?",
    ]
    assert [c.value for c in check[2]] == [
        "001000000000001AAA",
        NASTY.account_name,
        "1 of 2",
        "=1+1",
        "Yes",
        None,
        None,
    ]
    assert check.cell(row=2, column=4).data_type == "s"


@ENGINES
def test_mrr_is_numeric_currency(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "list.xlsx"
    _write(path, engine)
    cell = openpyxl.load_workbook(path)[SHEET_LIST]["E2"]
    assert cell.value == 1234.5
    assert cell.data_type == "n"
    assert cell.number_format == CURRENCY_FORMAT


@ENGINES
def test_xlsx_reads_back_with_calamine(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "list.xlsx"
    _write(path, engine)
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names[:3] == EXPECTED_SHEETS
    data = wb.get_sheet_by_name(SHEET_LIST).to_python()
    assert tuple(data[0]) == TRANSITION_COLUMNS
    assert data[1][1] == NASTY.account_name
    assert data[1][3] == "-recurly"
    assert data[1][5] == "+Ann"
    assert data[1][6] == "@Lee"
    assert data[1][4] == 1234.5
    assert data[2][7] == ""


@ENGINES
def test_missing_values_listed_and_highlighted(tmp_path: Path, engine: str) -> None:
    missing = missing_fields([NASTY, PLAIN])
    assert missing == [MissingValue(1, "Beta Care", "Email Address")]
    path = tmp_path / "list.xlsx"
    _write(path, engine)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_LIST]
    assert ws["H3"].fill.fgColor.rgb == MISSING_RGB
    assert ws["G3"].fill.fill_type is None
    assert list(wb["Missing values"].iter_rows(values_only=True)) == [
        ("Row", "Account", "Field"),
        (3, "Beta Care", "Email Address"),
    ]


def test_blank_strings_count_as_missing() -> None:
    row = TransitionRow("x", "  ", "l", "r", None, "a", "b", "c", "d", "")
    fields = [m.field for m in missing_fields([row])]
    assert fields == ["Account Name", "MRR", "New CSM full name"]
    assert missing_fields([row])[0].account == "x"


def test_csv_bom_quotes_and_owasp_prefix(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    write_transition_csv(path, [NASTY, PLAIN])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == TRANSITION_COLUMNS
    assert rows[1][1] == "'" + NASTY.account_name
    assert rows[1][3] == "'-recurly"
    assert rows[1][5] == "'+Ann"
    assert rows[1][6] == "'@Lee"
    assert rows[1][8] == "'+1 (555) 555-0100"
    assert rows[1][4] == "1234.5"
    assert rows[2][1] == "Beta Care"
    assert rows[2][7] == ""
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("a=b") == "a=b"
    assert csv_safe(2.0) == 2.0


def test_fast_writer_escapes_xml_and_drops_control_chars(tmp_path: Path) -> None:
    import zipfile
    from xml.etree import ElementTree

    odd = TransitionRow(
        "a<b>&\"c'", " lead space", "x\x01y", "r\r\nn", 5.0, "é ü 中", "t\tab", "e", "p", "n"
    )
    path = tmp_path / "odd.xlsx"
    write_transition_xlsx(path, [odd])
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(zf.read(name))
    got = next(openpyxl.load_workbook(path)[SHEET_LIST].iter_rows(min_row=2, values_only=True))
    assert got == (
        "a<b>&\"c'",
        " lead space",
        "xy",
        "r\r\nn",
        5.0,
        "é ü 中",
        "t\tab",
        "e",
        "p",
        "n",
    )


def test_engines_agree_on_every_sheet(tmp_path: Path) -> None:
    _write(tmp_path / "fast.xlsx", "fast")
    _write(tmp_path / "ref.xlsx", "openpyxl")
    fast, ref = (openpyxl.load_workbook(tmp_path / n) for n in ("fast.xlsx", "ref.xlsx"))
    assert fast.sheetnames == ref.sheetnames
    for name in fast.sheetnames:
        assert list(fast[name].iter_rows(values_only=True)) == list(
            ref[name].iter_rows(values_only=True)
        )
