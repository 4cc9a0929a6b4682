"""Workload preview, warnings, spreading and the export of a transition."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from desktop_app.io.exporters.rows import SHEET_CHECKLIST, SHEET_LIST, SHEET_SCENARIOS
from desktop_app.services.errors import UserError
from desktop_app.services.transitions.export import export_transition
from desktop_app.services.transitions.plan import (
    spread,
    spread_by_arr,
    transition_warnings,
    workload_preview,
)
from desktop_app.services.transitions.workflow import create_transition, set_checklist_item
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Contact, Csm
from tests.transition_helpers import RECEIVER, movable_accounts


def test_workload_preview_before_and_after(demo_store: Store, today: date) -> None:
    ids = movable_accounts(demo_store, 5)
    with demo_store.sessions() as s:
        rid = s.scalar(select(Csm.id).where(Csm.full_name == RECEIVER))
        mine = s.scalars(
            select(Account.arr).where(Account.owner_id == rid, Account.lifecycle == "active")
        ).all()
        moving = s.scalars(select(Account.arr).where(Account.id.in_(ids))).all()
    (load,) = workload_preview(demo_store, ids, RECEIVER, capacity=None, today=today)
    assert load.csm == RECEIVER
    assert load.capacity == 60
    assert load.accounts_before == len(mine)
    assert load.accounts_after == len(mine) + 5
    assert load.arr_before == pytest.approx(sum(mine))
    assert load.arr_after == pytest.approx(sum(mine) + sum(moving))
    assert sum(load.bands_after.values()) == load.accounts_after
    assert load.renewals_after >= load.renewals_before
    (tight,) = workload_preview(demo_store, ids, RECEIVER, capacity=len(mine), today=today)
    assert tight.over_capacity
    assert not load.over_capacity


def test_warnings_renewal_capacity_open_work(demo_store: Store, today: date) -> None:
    ids = movable_accounts(demo_store, 3)
    with demo_store.sessions() as s, s.begin():
        s.execute(
            update(Account)
            .where(Account.id == ids[0])
            .values(renewal_date=today + timedelta(days=20), name="Soon Renewing")
        )
    warnings = transition_warnings(demo_store, ids, RECEIVER, capacity=1, today=today)
    text = "\n".join(warnings)
    assert f"Soon Renewing renews on {(today + timedelta(days=20)).isoformat()}" in text
    assert f"{RECEIVER} would have" in text
    assert "(capacity 1)" in text


def test_spread_balances_arr_and_count(demo_store: Store) -> None:
    assert spread_by_arr({1: 100.0, 2: 90.0, 3: 10.0, 4: 5.0}, ["A", "B"]) == {
        1: "A",
        2: "B",
        3: "B",
        4: "A",
    }
    ids = movable_accounts(demo_store, 30)
    out = spread(demo_store, ids, ["Alicia Chen", "Tom Whitaker", "Holly Grant"])
    assert set(out) == set(ids)
    counts = [list(out.values()).count(r) for r in ("Alicia Chen", "Tom Whitaker", "Holly Grant")]
    assert max(counts) - min(counts) <= 3
    with pytest.raises(UserError):
        spread(demo_store, ids, [])


def test_export_saved_transition_reads_back(demo_store: Store, tmp_path: Path) -> None:
    ids = movable_accounts(demo_store, 4)
    with demo_store.sessions() as s, s.begin():
        s.execute(
            update(Contact)
            .where(Contact.account_id == ids[1], Contact.is_main_poc)
            .values(first_name="=cmd|'/c calc'!A1", phone=None)
        )
        acc = {a: s.get(Account, a) for a in ids}
        expected_first = (
            acc[ids[0]].sf_account_id,
            acc[ids[0]].name,
            acc[ids[0]].lms_id,
            acc[ids[0]].recurly_code,
            acc[ids[0]].mrr,
        )
    tid = create_transition(demo_store, ids, RECEIVER)
    item_id = 0
    from desktop_app.services.transitions.workflow import load_transition

    item_id = load_transition(demo_store, tid).items[0].item_id
    set_checklist_item(demo_store, item_id, "handoff_meeting", True, "+ booked")
    path = tmp_path / "List of Accounts to Transition.xlsx"
    result = export_transition(demo_store, tid, path)
    assert result.rows == 4
    assert [(m.account, m.field) for m in result.missing] == [(acc[ids[1]].name, "Phone Number")]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == [SHEET_LIST, SHEET_SCENARIOS, SHEET_CHECKLIST]
    rows = list(wb[SHEET_LIST].iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[1][:5] == expected_first
    assert all(r[9] == RECEIVER for r in rows[1:])
    cell = wb[SHEET_LIST]["F3"]
    assert cell.value == "=cmd|'/c calc'!A1"
    assert cell.data_type == "s"
    assert wb[SHEET_LIST]["I3"].fill.fill_type == "solid"
    check = list(wb[SHEET_CHECKLIST].iter_rows(values_only=True))
    assert len(check) == 1 + 4
    assert len(check[0]) == 3 + 2 * 14
    col = check[0].index("15-minute handoff meeting with the new CSM scheduled?")
    assert check[1][col : col + 2] == ("+ booked", "Yes")
    assert check[1][2] == "1 of 14"
    assert check[2][col : col + 2] == (None, None)
    cal = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_LIST).to_python()
    assert cal[2][5] == "=cmd|'/c calc'!A1"


def test_export_refuses_to_overwrite(demo_store: Store, tmp_path: Path) -> None:
    ids = movable_accounts(demo_store, 2)
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"original")
    with pytest.raises(UserError, match="file exists"):
        export_transition(demo_store, ids, path, to_csm=RECEIVER)
    assert path.read_bytes() == b"original"
    export_transition(demo_store, ids, path, to_csm=RECEIVER, overwrite=True)
    assert openpyxl.load_workbook(path)[SHEET_LIST].max_row == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]


def test_export_csv_and_bad_input(demo_store: Store, tmp_path: Path) -> None:
    ids = movable_accounts(demo_store, 3)
    path = tmp_path / "out.csv"
    result = export_transition(demo_store, ids, path, to_csm=RECEIVER)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(text) == 4
    assert result.rows == 3
    assert text[0].startswith('"SF Account ID","Account Name"')
    with pytest.raises(UserError, match="unknown export format"):
        export_transition(demo_store, ids, tmp_path / "x.pdf", to_csm=RECEIVER)
    with pytest.raises(UserError, match="unknown account id"):
        export_transition(demo_store, [999_999], tmp_path / "y.xlsx", to_csm=RECEIVER)
    with pytest.raises(UserError, match="no receiving CSM"):
        export_transition(demo_store, ids, tmp_path / "z.xlsx")
