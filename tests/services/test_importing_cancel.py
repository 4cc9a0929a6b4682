"""Cancel inside the long per-row loops of a big import: nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.services.importing.batch import import_preview, preview_file
from desktop_app.services.progress import Cancelled
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, ImportBatch
from tests.progress_helpers import RecordingProgress


class CancelOnPoll:
    """A Progress whose user presses Cancel at the ``n``-th poll."""

    def __init__(self, n: int) -> None:
        self.polls, self.n = 0, n

    def report(self, fraction: float, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        self.polls += 1
        return self.polls >= self.n


def test_cancel_mid_rows_leaves_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    lines = ["Account ID,Account Name,Account Owner,MRR"]
    lines += [f"001A{i:011d},Account {i},CSM {i % 7},{i}.5" for i in range(12_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preview = preview_file(store, path)
    progress = CancelOnPoll(4)  # two step checks, then inside the row loop
    with pytest.raises(Cancelled):
        import_preview(store, preview, progress=progress)
    assert progress.polls == 4
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Account)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
    summary = import_preview(store, preview)
    assert summary.new == 12_000


def test_preview_file_turns_a_cancelled_read_into_cancelled(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    lines = ["Account ID,Account Name,Account Owner,MRR"]
    lines += [f"001A{i:011d},Account {i},CSM {i % 7},{i}.5" for i in range(120_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(Cancelled):
        preview_file(store, path, progress=RecordingProgress(cancel_after=2))
    progress = RecordingProgress()
    preview = preview_file(store, path, progress=progress)
    assert len(preview.records) == 120_000
    assert progress.reports[-1][0] == 1.0
