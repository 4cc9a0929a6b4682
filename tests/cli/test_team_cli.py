"""``team`` and ``alerts`` commands: output, JSON keys, exit codes."""

from __future__ import annotations

import json

from desktop_app.cli import main


def test_team_json_and_text(demo_url, capsys):
    assert main(["--db", demo_url, "team", "--as-of", "2026-11-24", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-11-24"
    assert len(data["csms"]) == 8
    assert sum(r["accounts"] for r in data["csms"]) == 270
    for r in data["csms"]:
        assert {
            "csm",
            "team_lead",
            "accounts",
            "arr",
            "band_mix",
            "renewals_30",
            "renewals_90",
            "escalated_accounts",
            "auto_closing_tickets",
            "unresponsive_pocs",
            "active_overrides",
            "overrides_to_review",
            "missing_renewal_date",
            "no_usage_data",
            "no_main_poc",
            "renewal_rate",
        } <= set(r)
        assert 0 <= r["renewal_rate"] <= 1
    assert 0 <= data["team_median"]["renewal_rate"] <= 1
    assert main(["--db", demo_url, "team", "--as-of", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert data["csms"][0]["csm"] in out
    assert "Team median renewal rate" in out


def test_alerts_json(demo_url, capsys):
    argv = ["--db", demo_url, "alerts", "--owner", "daniel reyes", "--as-of", "2026-11-24"]
    assert main([*argv, "--json"]) == 0
    alerts = json.loads(capsys.readouterr().out)
    assert alerts
    for a in alerts:
        assert set(a) == {"account_id", "account", "kind", "message", "severity"}
        assert a["severity"] in {"high", "medium", "low"}
    assert main(argv) == 0
    assert alerts[0]["account"] in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line(demo_url, capsys):
    assert main(["--db", demo_url, "alerts", "--owner", "Nobody"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "no accounts owned by 'Nobody'" in err
    assert main(["--db", demo_url, "alerts"]) == 2
    assert "--owner" in capsys.readouterr().err
    assert main(["--db", demo_url, "team", "--as-of", "yesterday"]) == 2
    err = capsys.readouterr().err
    assert "not a date" in err
    assert "Traceback" not in err
