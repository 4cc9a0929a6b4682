"""Unreadable files raise ImportFileError naming the file; content beats extension."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from desktop_app.io.importer import build_preview
from desktop_app.io.model import ImportFileError
from tests.io import fixtures as fx


def _raises(path: Path, fragment: str) -> None:
    with pytest.raises(ImportFileError) as info:
        build_preview(path)
    assert path.name in str(info.value)
    assert fragment in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _raises(path, "empty")


def test_blank_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n")
    _raises(path, "empty")


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = fx.sf_opportunities_formatted(tmp_path).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    _raises(path, "damaged")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(3).randbytes(5000))
    _raises(path, "not a spreadsheet")


def test_password_protected_workbook(tmp_path: Path) -> None:
    # An encrypted xlsx is an OLE2 compound file holding an "EncryptedPackage" stream.
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    path = tmp_path / "secret.xlsx"
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(1000))
    _raises(path, "password-protected")


def test_corrupt_ole2_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(2000))
    _raises(path, "damaged")


def test_extension_that_lies_is_read_by_content(tmp_path: Path) -> None:
    xlsx = fx.sf_opportunities_formatted(tmp_path)
    lying = tmp_path / "opportunities.csv"
    os.replace(xlsx, lying)
    assert build_preview(lying).kind == "opportunities"
    csv_path = fx.sf_accounts_csv(tmp_path)
    as_xlsx = tmp_path / "accounts.xlsx"
    os.replace(csv_path, as_xlsx)
    assert len(build_preview(as_xlsx).records) == 4


def test_missing_sheet_and_required_column(tmp_path: Path) -> None:
    path = fx.usage_wide(tmp_path)
    with pytest.raises(ImportFileError, match="no sheet named 'Nope'"):
        build_preview(path, sheet="Nope")
    odd = fx.write_csv(tmp_path / "names.csv", [["Account Name", "Industry"], ["Acme", "x"]])
    p = build_preview(odd, profile="salesforce_accounts")
    assert p.kind == "unknown"
    assert p.errors


def test_non_numeric_money_is_a_row_problem(tmp_path: Path) -> None:
    rows = [fx.ACCOUNT_HEADER, [*fx.ACCOUNT_ROWS[0][:5], "lots", *fx.ACCOUNT_ROWS[0][6:]]]
    p = build_preview(fx.write_csv(tmp_path / "m.csv", rows))
    assert p.records == []
    assert p.errors[0].column == "MRR"
