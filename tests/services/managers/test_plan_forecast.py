"""Plan and forecast roll-ups against figures worked out by hand on a small book."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from desktop_app.domain.forecast import Call, Quarter
from desktop_app.services.errors import UserError
from desktop_app.services.managers.forecast import (
    call_history,
    delete_call,
    restore_call,
    set_call,
)
from desktop_app.services.managers.plan import import_plan, plan_report, set_target, targets
from desktop_app.store.schema import ImportBatch
from desktop_app.store.schema_managers import RenewalTarget
from tests.services.managers.fixtures import TODAY, small_book

Q4 = Quarter(2026, 4)


@pytest.fixture
def book(store):
    ids = small_book(store)
    set_call(store, ids["A2 Commit"], Call.COMMIT, today=TODAY)
    set_call(store, ids["A3 Likely"], Call.LIKELY, today=TODAY)
    set_call(store, ids["A4 Risky"], Call.AT_RISK, today=TODAY)
    set_call(store, ids["B1 Called lost"], Call.LOST, today=TODAY)
    set_target(store, "Ann Avery", Q4, "arr", 200_000)
    set_target(store, "bob brand", Q4, "grr", 0.9)
    return ids


def test_rollups_match_hand_computed_figures(store, book):
    rep = plan_report(store, Q4, TODAY)
    by = {p.csm: p.figures for p in rep.csms}
    assert set(by) == {"Ann Avery", "Bob Brand"}  # Cid has no renewals and no target
    ann = by["Ann Avery"]
    # Won 100k; lost 10k (closed lost); open: commit 50k, likely 40k, at risk 20k.
    assert ann.renewals == 5
    assert ann.arr_due == 220_000
    assert ann.retained == 100_000
    assert ann.lost == 10_000
    assert ann.committed == 150_000
    assert ann.likely == 40_000
    assert ann.at_risk == 20_000
    assert ann.uncalled == 0
    assert ann.weighted == pytest.approx(100_000 + 50_000 + 0.75 * 40_000 + 0.25 * 20_000)
    assert ann.target == 200_000
    assert ann.pct_to_plan == pytest.approx(0.5)
    assert ann.projected_pct == pytest.approx(185_000 / 200_000)
    bob = by["Bob Brand"]
    # Open 80k called lost; B2 renews in the quarter with no opportunity and no call (no band
    # yet: suggested likely, 0.75); B3 renews next quarter.
    assert bob.renewals == 2
    assert bob.arr_due == 140_000
    assert bob.lost == 80_000
    assert bob.uncalled == 60_000
    assert bob.weighted == pytest.approx(45_000)
    assert bob.target == pytest.approx(0.9 * 140_000)
    assert bob.pct_to_plan == 0
    assert bob.projected_pct == pytest.approx(45_000 / 126_000)
    for whole in (rep.team, rep.leads["Tess Lead"]):
        assert whole.target == pytest.approx(326_000)
        assert whole.retained == 100_000
        assert whole.weighted == pytest.approx(230_000)
        assert whole.projected_pct == pytest.approx(230_000 / 326_000)


def test_no_target_means_no_percentage(store, book):
    set_target(store, "Ann Avery", Q4, "arr", None)
    rep = plan_report(store, Q4, TODAY)
    ann = next(p for p in rep.csms if p.csm == "Ann Avery")
    assert ann.target is None
    assert ann.figures.pct_to_plan is None
    # The team's % to plan divides only the renewals of CSMs who have a target (Bob's).
    assert rep.team.target == pytest.approx(126_000)
    assert rep.team.retained == 100_000
    assert rep.team.pct_to_plan == 0
    assert rep.team.projected_pct == pytest.approx(45_000 / 126_000)


def test_call_undo_redo_and_history(store, book):
    aid = book["A3 Likely"]
    rec = set_call(store, aid, Call.AT_RISK, note="budget freeze", author="Ann", today=TODAY)
    assert rec.suggested is Call.LIKELY  # no band: the app cannot say more
    assert plan_report(store, Q4, TODAY).csms[0].figures.at_risk == 60_000
    assert [r.call for r in call_history(store, aid)] == [Call.AT_RISK, Call.LIKELY]
    gone = delete_call(store, rec.id)
    assert gone == rec
    assert [r.call for r in call_history(store, aid)] == [Call.LIKELY]
    assert plan_report(store, Q4, TODAY).csms[0].figures.likely == 40_000
    restore_call(store, gone)
    assert call_history(store, aid)[0] == rec


def _sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan FY27"
    ws.append(["Renewal plan, team Tess"])  # a title row above the header
    ws.append(["CSM", "Quarter", "Target"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_plan_import_xlsx_and_csv(store, book, tmp_path):
    path = tmp_path / "plan.xlsx"
    _sheet(path, [["Ann Avery", "2027Q1", 250000], ["Bob Brand", "Q1 2027", "95%"]])
    result = import_plan(store, path)
    assert (result.rows, result.quarters) == (2, ["2027Q1"])
    got = {(t.csm, t.kind, t.target) for t in targets(store, Quarter(2027, 1))}
    assert got == {("Ann Avery", "arr", 250_000), ("Bob Brand", "grr", 0.95)}
    csv = tmp_path / "plan.csv"
    csv.write_text('CSM,Quarter,Target\nAnn Avery,2027-Q1,"$300,000"\n', encoding="utf-8")
    import_plan(store, csv)
    assert {t.target for t in targets(store, Quarter(2027, 1)) if t.csm == "Ann Avery"} == {300_000}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["Ann Avery", "2027Q1", "lots"]], "row 3, column 'Target': not a money amount"),
        ([["Ann Avery", "2027Q1", 1], ["Zed", "2027Q1", 5]], "row 4, column 'CSM': unknown CSM"),
        ([["Ann Avery", "2027Q5", 1]], "row 3, column 'Quarter': not a quarter"),
        ([["Ann Avery", "2027Q1", 1], ["ann avery", "Q1 2027", 2]], "row 4: Ann Avery has a"),
        ([["", "2027Q1", 1]], "row 3, column 'CSM': no CSM named"),
        ([["Ann Avery", "2027Q1", "-5"]], "row 3, column 'Target': a target cannot be negative"),
    ],
)
def test_bad_plan_sheets_are_refused_whole(store, book, tmp_path, rows, message):
    path = tmp_path / "bad plan.xlsx"
    _sheet(path, rows)
    with store.sessions() as s:
        before = s.scalar(select(func.count()).select_from(RenewalTarget))
    with pytest.raises(UserError) as info:
        import_plan(store, path)
    text = str(info.value)
    assert text.startswith("bad plan.xlsx, sheet 'Plan FY27'")
    assert message in text
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RenewalTarget)) == before
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_unreadable_plan_files(store, book, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01not a workbook" * 20)
    with pytest.raises(UserError, match=r"^junk\.xlsx"):
        import_plan(store, junk)
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("Name,Amount\nAnn Avery,5\n", encoding="utf-8")
    with pytest.raises(UserError, match="needs a column for Quarter"):
        import_plan(store, nohead)


def test_targets_are_checked(store, book):
    with pytest.raises(UserError, match="no CSM named"):
        set_target(store, "Nobody", Q4, "arr", 1.0)
    with pytest.raises(UserError):
        set_target(store, "Ann Avery", Q4, "grr", 3.0)
    assert set_target(store, "Ann Avery", Q4, "grr", 0.8).target == 200_000  # returns the old


def test_calls_are_timestamped_in_order(store, book):
    aid = book["A2 Commit"]
    set_call(store, aid, Call.LIKELY, today=TODAY, now=datetime(2027, 1, 1, 9))
    hist = call_history(store, aid)
    assert [r.call for r in hist] == [Call.LIKELY, Call.COMMIT]
