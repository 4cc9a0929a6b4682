"""``account-desk transition export|list``: files, exit codes, messages."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.io.exporters.rows import SHEET_LIST, TRANSITION_COLUMNS
from desktop_app.services.transitions.workflow import create_transition
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm

Capsys = pytest.CaptureFixture[str]


def _sf_ids(store: Store, n: int) -> list[str]:
    with store.sessions() as s:
        return list(s.scalars(select(Account.sf_account_id).order_by(Account.id).limit(n)))


def test_export_accounts_to_xlsx(
    demo_store: Store, demo_url: str, tmp_path: Path, capsys: Capsys
) -> None:
    ids = _sf_ids(demo_store, 3)
    out = tmp_path / "list.xlsx"
    code = main(
        [
            "--db",
            demo_url,
            "transition",
            "export",
            "--account",
            *ids,
            "--to",
            "Dana Cole",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert f"Wrote 3 accounts to {out}" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)[SHEET_LIST].iter_rows(values_only=True))
    assert rows[0] == TRANSITION_COLUMNS
    assert [r[0] for r in rows[1:]] == ids
    assert {r[9] for r in rows[1:]} == {"Dana Cole"}


def test_export_from_owner_csv_and_overwrite(
    demo_store: Store, demo_url: str, tmp_path: Path, capsys: Capsys
) -> None:
    with demo_store.sessions() as s:
        owner_id = s.scalar(select(Csm.id).where(Csm.full_name == "Tom Whitaker"))
        n = len(
            s.scalars(
                select(Account.id).where(
                    Account.owner_id == owner_id, Account.lifecycle == "active"
                )
            ).all()
        )
    out = tmp_path / "tom.csv"
    args = [
        "--db",
        demo_url,
        "transition",
        "export",
        "--from-owner",
        "tom whitaker",
        "--to",
        "Alicia Chen",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == n + 1
    capsys.readouterr()
    before = out.read_bytes()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "file exists" in err
    assert str(out) in err
    assert "Traceback" not in err
    assert out.read_bytes() == before
    assert main([*args, "--force", "--format", "xlsx"]) == 0
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--account", "001000000000XYZAAA", "--to", "X"], "unknown account id: 001000000000XYZ"),
        (["--account", "nope", "--to", "X"], "not a Salesforce account id: nope"),
        (["--from-owner", "Nobody Here", "--to", "X"], "unknown owner: Nobody Here"),
        (["--from-owner", "Tom Whitaker"], "--to NEW_CSM is required"),
    ],
)
def test_export_user_errors_exit_2(
    demo_url: str, tmp_path: Path, capsys: Capsys, extra: list[str], message: str
) -> None:
    out = tmp_path / "x.xlsx"
    code = main(["--db", demo_url, "transition", "export", *extra, "--out", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_export_saved_transition_and_list(
    demo_store: Store, demo_url: str, tmp_path: Path, capsys: Capsys
) -> None:
    with demo_store.sessions() as s:
        ids = list(s.scalars(select(Account.id).order_by(Account.id).limit(2)))
    tid = create_transition(demo_store, ids, "Alicia Chen", "Grace Lee", "Leave cover")
    assert main(["--db", demo_url, "transition", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Leave cover" in listed
    assert "draft" in listed
    assert "2 accounts" in listed
    out = tmp_path / "t.xlsx"
    assert (
        main(
            [
                "--db",
                demo_url,
                "transition",
                "export",
                "--transition",
                str(tid),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert openpyxl.load_workbook(out)[SHEET_LIST].max_row == 3
    assert (
        main(
            [
                "--db",
                demo_url,
                "transition",
                "export",
                "--transition",
                "999",
                "--out",
                str(tmp_path / "u.xlsx"),
            ]
        )
        == 2
    )
    assert "unknown transition: 999" in capsys.readouterr().err
