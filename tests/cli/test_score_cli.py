from __future__ import annotations

import json

from desktop_app.cli import main


def test_score_prints_band_counts(demo_url, capsys):
    assert main(["--db", demo_url, "score", "--as-of", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    for band in ("Healthy/Stable", "Undefined", "Risky/Unstable", "Escalation"):
        assert band in out
    assert main(["--db", demo_url, "score", "--as-of", "2026-11-24", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(data["band_counts"].values()) == data["accounts_scored"] > 200


def test_score_bad_date_exits_2(demo_url, capsys):
    assert main(["--db", demo_url, "score", "--as-of", "24/11/2026"]) == 2
    err = capsys.readouterr().err
    assert "not a date" in err
    assert "Traceback" not in err


def test_accounts_json_carries_health(demo_url, capsys):
    assert main(["--db", demo_url, "accounts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    scored = [r for r in rows if r["health_score"] is not None]
    assert len(scored) > 200
    for r in scored:
        assert 0 <= r["health_score"] <= 100
        assert r["health_band"] in {"Healthy/Stable", "Undefined", "Risky/Unstable", "Escalation"}
        assert abs(sum(r["health_measures"].values()) - r["health_score"]) < 0.1
    churned = [r for r in rows if r["lifecycle"] == "churned"]
    assert churned
    assert all(r["health_measures"] is None for r in churned)


def test_validate_json(demo_url, capsys):
    assert main(["--db", demo_url, "validate", "--json", "--as-of", "2026-11-24"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["auc_score"]["3"] > data["auc_usage"]["3"]
    assert data["auc_score"]["6"] > data["auc_usage"]["6"]
    assert data["score_beats_usage"] is True
    assert set(data["churn_by_band"]) == {
        "Healthy/Stable",
        "Undefined",
        "Risky/Unstable",
        "Escalation",
    }
    assert len(data["churn_by_decile"]) == 10


def test_retention_json_and_errors(demo_url, capsys):
    args = ["--db", demo_url, "retention", "--from", "2025-11-24", "--to", "2026-11-24"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "n_start",
        "n_churned",
        "logo_churn_rate",
        "net_mrr_retention",
        "gross_mrr_retention",
        "mrr_churn",
    ):
        assert key in data
    assert data["n_start"] > 250
    assert data["n_churned"] > 0
    assert abs(data["mrr_churn"] - (1 - data["net_mrr_retention"])) < 1e-9
    assert main([*args, "--owner", "Holly Grant", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_start"] < data["n_start"]
    assert main([*args, "--owner", "Nobody"]) == 2
    assert "no accounts owned" in capsys.readouterr().err
    assert main(["--db", demo_url, "retention", "--from", "2026-01-01", "--to", "2025-01-01"]) == 2


def test_overrides_lists_active(demo_url, capsys):
    from desktop_app.services.database import open_database
    from desktop_app.services.health.scoring import set_override

    assert main(["--db", demo_url, "overrides"]) == 0
    assert "No active overrides" in capsys.readouterr().out
    store = open_database(demo_url)
    try:
        set_override(store, 1, "Escalation", "Other", "call me", "Beth Sullivan")
    finally:
        store.dispose()
    assert main(["--db", demo_url, "overrides", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["account_id"], r["band"], r["author"]) for r in rows] == [
        (1, "Escalation", "Beth Sullivan")
    ]
    assert main(["--db", demo_url, "accounts", "--json"]) == 0
    acc = json.loads(capsys.readouterr().out)
    assert acc[0]["health_override"] == "Escalation"


def test_retention_by_quarter(demo_url, capsys):
    args = ["--db", demo_url, "retention", "--from", "2026-01-01", "--to", "2026-07-01"]
    assert main([*args, "--by", "quarter", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2026-01-01", "2026-04-01"),
        ("2026-04-01", "2026-07-01"),
    ]
    assert main([*args, "--by", "month"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 7


def test_accounts_json_gives_every_scored_band_its_reason(demo_path, capsys):
    assert main(["--db", str(demo_path), "accounts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    scored = [r for r in rows if r["health_band"] is not None]
    assert scored
    for r in scored:
        assert r["health_band_reason"].startswith(r["health_band"] + ":")
    escalations = [r for r in scored if r["health_band"] == "Escalation"]
    assert escalations
    assert all("open escalation" in r["health_band_reason"] for r in escalations)


def test_scorecard_fit_json_and_activate(demo_path, capsys):
    db = str(demo_path)
    assert main(["--db", db, "scorecard", "fit", "--as-of", "2026-11-24", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("auc_backtest", "auc_backtest_ci", "auc_current", "n_observations",
                "n_churn_events", "weights", "activated"):  # fmt: skip
        assert key in data
    assert data["activated"] is False
    assert data["n_churn_events"] > 10
    assert abs(sum(data["weights"].values()) - 100) < 0.5
    assert main(["--db", db, "scorecard", "show", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["version"]
    argv = ["--db", db, "scorecard", "fit", "--as-of", "2026-11-24", "--activate", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["activated"] is True
    assert main(["--db", db, "scorecard", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == data["activated_version"] != before
    assert shown["weights"] == data["weights"]


def test_scorecard_fit_refuses_a_tiny_horizon(demo_path, capsys):
    argv = ["--db", str(demo_path), "scorecard", "fit", "--horizon-days", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "horizon" in err
    assert "Traceback" not in err


def test_an_overridden_band_says_so_in_its_reason(demo_path, capsys):
    from desktop_app.services.database import open_database
    from desktop_app.services.health.overrides import set_override

    assert main(["--db", str(demo_path), "accounts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    risky = next(r for r in rows if r["health_band"] == "Risky/Unstable")
    from sqlalchemy import select

    from desktop_app.store.schema import Account

    store = open_database(demo_path)
    with store.sessions() as s:
        aid = s.scalar(select(Account.id).where(Account.sf_account_id == risky["sf_account_id"]))
    set_override(store, aid, "Healthy/Stable", "Other", "pilot going well", "Tom")
    store.dispose()
    assert main(["--db", str(demo_path), "accounts", "--json"]) == 0
    key = risky["sf_account_id"]
    after = next(r for r in json.loads(capsys.readouterr().out) if r["sf_account_id"] == key)
    assert after["health_band"] == "Healthy/Stable"
    assert after["health_band_reason"] == (
        f"Healthy/Stable: set by hand (computed — {risky['health_band_reason']})"
    )
