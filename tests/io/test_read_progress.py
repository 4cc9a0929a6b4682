"""Reading reports progress every chunk and column and stops when cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.progress import Cancelled
from desktop_app.io.importer import build_preview
from tests.progress_helpers import RecordingProgress

ROWS = 120_000  # more than two 50k-row chunks


def big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    lines = ["Account ID,Account Name,Account Owner,MRR"]
    lines += [f"001A{i:011d},Account {i},CSM {i % 7},{i}.5" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reading_reports_rising_fractions(tmp_path: Path) -> None:
    progress = RecordingProgress()
    preview = build_preview(big_csv(tmp_path), progress=progress)
    assert len(preview.records) == ROWS
    fractions = [f for f, _m in progress.reports]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    chunks = [m for _f, m in progress.reports if m.startswith("Read ") and "rows" in m]
    assert len(chunks) >= 3  # one report per chunk of rows
    assert any(0.7 < f < 0.95 for f in fractions)  # and per normalised column


def test_cancel_while_reading_chunks_stops_reading(tmp_path: Path) -> None:
    progress = RecordingProgress(cancel_after=3)  # opening, first chunk, second chunk
    with pytest.raises(Cancelled):
        build_preview(big_csv(tmp_path), progress=progress)
    assert len(progress.reports) == 3
    assert progress.reports[-1][1].startswith("Read 50,000 rows")


def test_workbook_reading_can_be_cancelled_per_column(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Account ID", "Account Name", "Account Owner"])
    ws.append(["001A000001AbCdE", "Lakeside Clinic", "Holly Grant"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    progress = RecordingProgress(cancel_after=3)
    with pytest.raises(Cancelled):
        build_preview(path, progress=progress)
    assert progress.reports[-1][1] == "Reading column 2 of 3…"
    assert len(build_preview(path, progress=RecordingProgress()).records) == 1
