"""``alerts list|ack|snooze|reopen``; the agenda form ``alerts --owner`` is unchanged."""

from __future__ import annotations

import json

from desktop_app.cli import main

AS_OF = ["--as-of", "2026-11-24"]


def _list(db, capsys, *extra):
    assert main(["--db", db, "alerts", "list", *AS_OF, "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_ack_snooze_reopen(demo_path, capsys):
    db = str(demo_path)
    data = _list(db, capsys)
    assert data["alerts"]
    keys = {
        "id",
        "type",
        "account_id",
        "account",
        "owner",
        "message",
        "status",
        "reason",
        "until",
        "by",
    }
    assert all(set(a) == keys for a in data["alerts"])
    total = sum(sum(per.values()) for per in data["counts"].values())
    assert total == len(data["alerts"])
    first = data["alerts"][0]
    mine = _list(db, capsys, "--owner", first["owner"].upper())
    assert {a["owner"] for a in mine["alerts"]} == {first["owner"]}
    assert main(["--db", db, "alerts", "ack", first["id"], "--reason", "on it", *AS_OF]) == 0
    second = data["alerts"][1]["id"]
    argv = ["alerts", "snooze", second, "--until", "2026-12-31", "--reason", "QBR", *AS_OF]
    assert main(["--db", db, *argv]) == 0
    capsys.readouterr()
    after = {a["id"]: a for a in _list(db, capsys)["alerts"]}
    assert after[first["id"]]["status"] == "acknowledged"
    assert after[first["id"]]["reason"] == "on it"
    assert after[second]["status"] == "snoozed"
    assert after[second]["until"] == "2026-12-31"
    assert main(["--db", db, "alerts", "reopen", second]) == 0
    capsys.readouterr()
    assert {a["id"]: a for a in _list(db, capsys)["alerts"]}[second]["status"] == "open"
    assert main(["--db", db, "alerts", "list", *AS_OF]) == 0
    assert first["id"] in capsys.readouterr().out


def test_agenda_form_is_unchanged(demo_path, capsys):
    argv = ["--db", str(demo_path), "alerts", "--owner", "daniel reyes", *AS_OF, "--json"]
    assert main(argv) == 0
    for a in json.loads(capsys.readouterr().out):
        assert set(a) == {"account_id", "account", "kind", "message", "severity"}


def test_bad_alert_actions_exit_2_with_one_line(demo_path, capsys):
    db = str(demo_path)
    for argv, needle in (
        (["alerts", "ack", "past_due:999999"], "No current alert"),
        (["alerts", "ack"], "needs an alert ID"),
        (["alerts", "snooze", "past_due:1", "--reason", "x"], "--until DATE"),
        (["alerts", "list", "--owner", "Nobody"], "no alerts for 'Nobody'"),
    ):
        assert main(["--db", db, *argv]) == 2
        err = capsys.readouterr().err
        assert err.strip().count("\n") == 0
        assert needle in err
        assert "Traceback" not in err


def test_bad_until_date_is_a_usage_error(demo_path, capsys):
    argv = ["alerts", "snooze", "x", "--until", "soon", "--reason", "x"]
    assert main(["--db", str(demo_path), *argv]) == 2
    err = capsys.readouterr().err
    assert "not a date" in err.strip().splitlines()[-1]
