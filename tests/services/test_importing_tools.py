"""Wizard helpers and name-keyed accounts (no Qt)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import text

from desktop_app.io.model import Problem
from desktop_app.services.importing.tools import export_problems, import_previews
from desktop_app.store.engine import Store
from tests.services.test_importing import TODAY, accounts, make_preview


def test_import_previews_stores_accounts_first(store: Store, tmp_path: Path) -> None:
    usage = make_preview(tmp_path, "usage", [{"lms_id": "LMS-2", "month": TODAY.replace(day=1),
                                              "mau": 12}])  # fmt: skip
    acc = make_preview(tmp_path, "accounts", accounts())
    done: list = []
    out = import_previews(store, [usage, acc], done=done, today=TODAY)
    assert [(s.kind, s.new) for s in out] == [("accounts", 2), ("usage", 1)]
    assert [s.kind for s in done] == ["accounts", "usage"]


def test_accounts_without_ids_match_by_exact_name_or_go_to_review(
    store: Store, tmp_path: Path
) -> None:
    first = [{"name": "Lakeside Clinic", "segment": "SMB"}, {"name": "Summit Health, Inc."}]
    import_previews(store, [make_preview(tmp_path, "accounts", first)], today=TODAY)
    later = [{"name": "  lakeside CLINIC", "segment": "MM"}, {"name": "Summit Health"},
             {"name": "Brand New Dental"}]  # fmt: skip
    (s,) = import_previews(store, [make_preview(tmp_path, "accounts", later)], today=TODAY)
    assert (s.new, s.updated, s.review) == (1, 1, 1)
    with store.engine.connect() as conn:
        got = conn.execute(text("select name, segment from accounts order by id")).all()
        review = conn.execute(text("select kind, key_value from review_items")).all()
    assert [tuple(r) for r in got] == [
        ("Lakeside Clinic", "MM"), ("Summit Health, Inc.", None), ("Brand New Dental", None)
    ]  # fmt: skip
    assert [tuple(r) for r in review] == [("fuzzy", "Summit Health")]


def test_export_problems_writes_every_problem(tmp_path: Path) -> None:
    p = make_preview(tmp_path, "accounts", accounts())
    p.problems = [
        Problem("a.xlsx", "Report", 14, "MRR", "not a money amount: 'abc'"),
        Problem("a.xlsx", None, None, None, "dates read day-first", "warning"),
    ]
    target = tmp_path / "problems.csv"
    assert export_problems([p], target) == 2
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == ["a.xlsx", "Report", "14", "MRR", "error", "not a money amount: 'abc'"]
    assert rows[2][4] == "warning"


def test_export_problems_quotes_formula_like_text(tmp_path: Path) -> None:
    p = make_preview(tmp_path, "accounts", accounts())
    p.problems = [Problem("a.csv", None, 3, "Name", "=HYPERLINK(1)")]
    target = tmp_path / "problems.csv"
    assert export_problems([p], target) == 1
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][5] == "'=HYPERLINK(1)"
