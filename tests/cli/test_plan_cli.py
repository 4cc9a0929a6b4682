"""``plan`` and ``forecast`` commands: JSON figures, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.services.database import open_database
from tests.services.managers.fixtures import small_book


@pytest.fixture
def small_db(db_path):
    s = open_database(db_path)
    small_book(s)
    s.dispose()
    return str(db_path)


def test_plan_import_show_and_forecast(small_db, tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text("CSM,Quarter,Target\nAnn Avery,2026Q4,200000\nBob Brand,2026Q4,90%\n")
    assert main(["--db", small_db, "plan", "import", str(plan)]) == 0
    assert "Imported 2 targets for 2026Q4" in capsys.readouterr().out
    for name, call in (("A2 Commit", "commit"), ("A3 Likely", "Likely"), ("A4 Risky", "at risk")):
        argv = ["--db", small_db, "forecast", "set", name, "--call", call, "--as-of", "2026-11-24"]
        assert main(argv) == 0
    assert main(["--db", small_db, "forecast", "set", "B1 Called lost", "--call", "lost"]) == 0
    capsys.readouterr()
    argv = ["--db", small_db, "plan", "show", "--quarter", "2026Q4", "--as-of", "2026-11-24"]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ann = next(c for c in data["csms"] if c["csm"] == "Ann Avery")
    assert ann["pct_to_plan"] == pytest.approx(0.5)
    assert ann["projected_pct_to_plan"] == pytest.approx(0.925)
    assert data["team"]["weighted"] == pytest.approx(230_000)
    assert main(argv) == 0
    out = capsys.readouterr().out
    for needle in ("Ann Avery", "50%", "Team"):
        assert needle in out


def test_forecast_history(small_db, capsys):
    argv = ["--db", small_db, "forecast", "set", "A3 Likely", "--call", "at_risk", "--note", "x"]
    assert main(argv) == 0
    assert main(["--db", small_db, "forecast", "history", "A3 Likely", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [r["call"] for r in rows] == ["at_risk"]
    assert rows[0]["note"] == "x"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["forecast", "set", "A2 Commit", "--call", "maybe"], "not a forecast call"),
        (["forecast", "set", "Nope", "--call", "likely"], "no account 'Nope'"),
        (["plan", "show", "--quarter", "2026Q9"], "not a quarter"),
        (["plan", "import", "missing.csv"], "missing.csv"),
    ],
)
def test_bad_input_exits_2_with_one_line(small_db, capsys, argv, needle):
    assert main(["--db", small_db, *argv]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert needle in err
    assert "Traceback" not in err


def test_bad_plan_sheet_names_file_row_and_column(small_db, tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text("CSM,Quarter,Target\nAnn Avery,2026Q4,lots\n")
    assert main(["--db", small_db, "plan", "import", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "plan.csv, row 2, column 'Target': not a money amount" in err


def test_hindsight_json_and_text(demo_path, capsys):
    argv = ["--db", str(demo_path), "hindsight", "--from", "2025-11-24", "--to", "2026-11-24"]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["churned"] == len(data["accounts"]) > 0
    assert data["seen_90_days_before"] == sum(a["seen"] for a in data["accounts"])
    assert sum(v["churned"] for v in data["by_owner"].values()) == data["churned"]
    assert [g["days_before"] for g in data["accounts"][0]["before"]] == [180, 90, 30]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"{data['seen_90_days_before']} of {data['churned']} churned accounts" in out


def test_oneonone_export(demo_path, tmp_path, capsys):
    base = ["--db", str(demo_path), "oneonone", "export", "--owner", "holly grant"]
    out = tmp_path / "pack.xlsx"
    assert main([*base, "--out", str(out), "--as-of", "2026-11-24"]) == 0
    assert out.stat().st_size > 0
    assert "Holly Grant" in capsys.readouterr().out
    for argv, needle in (
        ([*base[:-1], "Nobody", "--out", str(out)], "no CSM named 'Nobody'"),
        ([*base, "--out", str(tmp_path / "pack.docx")], "pack.docx"),
        ([*base, "--out", str(tmp_path / "nope" / "p.pdf")], "does not exist"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.strip().count("\n") == 0
        assert needle in err
