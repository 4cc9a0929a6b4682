"""A workbook's sheet parsed on a thread (``readers.read_ahead``), on real files: it gives
what ``open_source`` gives, it is used only for its own file and sheet, and the guard runs
before it (a refused file never reaches calamine)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop_app.io.importer import build_preview
from desktop_app.io.model import ImportFileError
from desktop_app.io.read_ahead import read_ahead
from desktop_app.io.readers import open_source
from tests.corpus.generate import _FAR, _header_rows, _sheet, _xlsx

HEAD = ["Account ID", "Account Name", "Account Owner", "MRR", "Renewal Date"]


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Accounts"
    ws.append(HEAD)
    for i in range(1, 41):
        ws.append([f"001A0000{i:07d}", f"Clinic {i}", "Holly Grant", 100.0 * i, "2027-03-01"])
    other = wb.create_sheet("Other")
    other.append(["Account ID", "Account Name"])
    other.append(["001A000009999ZZ", "Only on the other sheet"])
    wb.save(path)
    return path


def _rows(path: Path, sheet: str | None, ahead: object = None) -> list[list[object]]:
    src = open_source(path, sheet, ahead)  # type: ignore[arg-type]
    body = src.read_body(0, 5, range(5), _NoProgress())
    return [[col.uniques[c] if c >= 0 else "" for c in col.codes] for col in body]


class _NoProgress:
    def report(self, fraction: float, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


def test_a_sheet_read_ahead_gives_what_open_source_gives(tmp_path: Path) -> None:
    path = _book(tmp_path / "accounts.xlsx")
    ahead = read_ahead(path)
    assert ahead is not None
    assert ahead.sheet == "Accounts"
    plain, early = open_source(path), open_source(path, None, ahead)
    assert (early.sheet, early.head, early.sheets) == (plain.sheet, plain.head, plain.sheets)
    assert _rows(path, None, read_ahead(path)) == _rows(path, None)

    with_ahead = build_preview(path, ahead=read_ahead(path))
    without = build_preview(path)
    assert with_ahead.kind == without.kind == "accounts"
    assert len(with_ahead.records) == len(without.records) == 40
    assert list(with_ahead.records) == list(without.records)


def test_the_parse_runs_on_another_thread(tmp_path: Path) -> None:
    path = _book(tmp_path / "accounts.xlsx")
    seen: list[str] = []
    real = threading.Thread.run

    def run(self: threading.Thread) -> None:
        seen.append(self.name)
        real(self)

    threading.Thread.run = run  # type: ignore[method-assign]
    try:
        ahead = read_ahead(path)
        assert ahead is not None
        ahead.result()
    finally:
        threading.Thread.run = real  # type: ignore[method-assign]
    assert seen == ["read-ahead"]


def test_an_ahead_serves_only_its_own_file_and_sheet(tmp_path: Path) -> None:
    path = _book(tmp_path / "accounts.xlsx")
    other_file = _book(tmp_path / "copy.xlsx")
    ahead = read_ahead(path)  # the first visible sheet, "Accounts"
    assert ahead is not None
    src = open_source(path, "Other", ahead)  # another sheet asked for: read afresh
    assert src.sheet == "Other"
    assert src.head[1][1] == "Only on the other sheet"
    assert open_source(other_file, None, read_ahead(path)).file == "copy.xlsx"
    named = read_ahead(path, "Other")
    assert named is not None
    assert named.sheet == "Other"
    assert open_source(path, "Other", named).head[1][1] == "Only on the other sheet"


def test_text_files_and_unopenable_workbooks_are_not_read_ahead(tmp_path: Path) -> None:
    text = tmp_path / "accounts.csv"
    text.write_text("Account ID,Account Name\n001A000001AbCdE,Lakeside\n", encoding="utf-8")
    assert read_ahead(text) is None
    path = _book(tmp_path / "accounts.xlsx")
    assert read_ahead(path, "No such sheet") is None
    with pytest.raises(ImportFileError, match="no sheet named 'No such sheet'"):
        open_source(path, "No such sheet", None)


def test_a_file_the_guard_refuses_is_never_parsed(tmp_path: Path) -> None:
    """The guard runs before the thread: a crafted sheet would abort the process in calamine."""
    path = _xlsx(tmp_path / "far.xlsx", _sheet(_header_rows(_FAR), "A1:C2"))
    before = {t.name for t in threading.enumerate()}
    assert read_ahead(path) is None
    assert "read-ahead" not in {t.name for t in threading.enumerate()} - before
    with pytest.raises(ImportFileError, match="16,384 columns is implausible"):
        open_source(path)
