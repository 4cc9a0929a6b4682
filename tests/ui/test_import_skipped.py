"""The import wizard says what it skipped and why; its counts add up like the CLI's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.ui.dialogs.import_wizard import ImportWizard
from tests.io.fixtures import sf_accounts_csv
from tests.realistic_exports import write_realistic_exports


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    return write_realistic_exports(tmp_path / "exports", n=40)


def _preview(qtbot, store, paths: list[str]) -> ImportWizard:
    wizard = ImportWizard(store, paths)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.preview_page.reading(), timeout=20000)
    return wizard


def test_every_skipped_row_is_listed_with_its_reason(qtbot, store, exports) -> None:
    report = str(exports[0])
    wizard = _preview(qtbot, store, [report])
    page = wizard.preview_page
    preview = page.previews[report]
    listed = page.problems_model.stringList()
    skipped = [t for t in listed if t.startswith("Skipped row")]
    assert len(skipped) == preview.rows_skipped == 8  # 4 subtotals, total, blank, 2 footers
    assert sum("Subtotal" in t for t in skipped) == 4
    assert any("Grand Total (40 records)" in t for t in skipped)
    assert any("blank row" in t for t in skipped)
    assert any("Confidential Information" in t for t in skipped)
    counts = page.counts_label.text()
    assert counts.startswith("48 rows read: 40 to import, 8 skipped")
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        wizard.next()
    (summary,) = blocker.args[0]
    assert summary.skipped == len(summary.skipped_rows) == 8
    assert summary.new + summary.skipped == 48
    qtbot.waitUntil(lambda: wizard.run_page.isComplete())
    assert "8 skipped — 48 rows" in wizard.run_page.summary.text()
    details = wizard.run_page.details.toPlainText()
    assert details.count("skipped row") == 8


def test_counts_agree_between_wizard_cli_and_history(qtbot, store, db_path, exports,
                                                    capsys) -> None:  # fmt: skip
    contacts = str(exports[1])
    wizard = _preview(qtbot, store, [str(exports[0]), contacts])
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        wizard.next()
    by_file = {s.file: s for s in blocker.args[0]}
    gui = by_file[contacts]
    assert gui.skipped == len(gui.skipped_rows)
    code = main(["--db", str(db_path), "imports", "--json"])
    assert code == 0
    history = {b["file"]: b for b in json.loads(capsys.readouterr().out)}
    batch = history[Path(contacts).name]
    assert batch["skipped"] == gui.skipped
    assert batch["rows"] == (gui.new + gui.updated + gui.unchanged + gui.unmatched
                             + gui.review + gui.skipped)  # fmt: skip
    # The same file through the CLI (a fresh database) reports the same counts.
    other = db_path.parent / "cli.db"
    assert main(["--db", str(other), "import", str(exports[0]), contacts, "--json"]) == 0
    cli = {s["file"]: s for s in json.loads(capsys.readouterr().out)}[contacts]
    assert (cli["new"], cli["skipped"], cli["skipped_rows"]) == (
        gui.new,
        gui.skipped,
        gui.skipped_rows,
    )


def test_encoding_notes_are_notes_not_problems(qtbot, store, tmp_path) -> None:
    path = str(sf_accounts_csv(tmp_path, encoding="cp1252"))
    wizard = _preview(qtbot, store, [path])
    page = wizard.preview_page
    preview = page.previews[path]
    assert preview.notes
    assert page.notes_label.text().startswith("Notes: ")
    listed = page.problems_model.stringList()
    assert not [t for t in listed if t.startswith("Note")]
    assert all(note not in " ".join(listed) for note in preview.notes)


def test_a_bad_file_in_a_drop_is_named_and_the_rest_imported(qtbot, store, tmp_path,
                                                             exports) -> None:  # fmt: skip
    bad = tmp_path / "Pipeline.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    wizard = _preview(qtbot, store, [str(exports[0]), str(bad), str(exports[3])])
    page = wizard.preview_page
    assert page.isComplete()
    assert "Pipeline.xlsx" in page.blocked_label.text()
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        wizard.next()
    assert sorted(Path(s.file).name for s in blocker.args[0]) == [exports[0].name, exports[3].name]
    qtbot.waitUntil(lambda: wizard.run_page.isComplete())
    assert "Not imported: Pipeline.xlsx" in wizard.run_page.summary.text()


def test_the_problems_are_exported_on_a_worker(qtbot, store, tmp_path) -> None:
    import csv

    report = tmp_path / "accounts.csv"
    report.write_text(
        "Account ID,Account Name,Account Owner,MRR\n"
        "001A00000000001AAA,Lakeside,Holly Grant,lots\n"
        "001A00000000002AAA,Summit,Holly Grant,12\n",
        encoding="utf-8",
    )
    wizard = _preview(qtbot, store, [str(report)])  # keeps the page alive
    page = wizard.preview_page
    report = str(report)
    n = len(page.previews[report].problems)
    assert n > 0
    target = tmp_path / "problems.csv"
    page.export_problems_to(str(target))
    assert page.export_status.text() == "Exporting the problems…"
    assert not page.export_button.isEnabled()
    qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=10000)
    assert page.export_status.text() == f"Wrote {n} problem(s) to problems.csv."
    with target.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == n + 1
    page.export_problems_to(str(tmp_path / "no such folder" / "p.csv"))
    qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=10000)
    assert page.export_status.text().startswith("Not exported: ")
