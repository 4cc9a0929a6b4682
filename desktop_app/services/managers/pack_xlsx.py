"""The one-on-one pack as an .xlsx workbook: one sheet per section of the PDF."""

from __future__ import annotations

from pathlib import Path

from desktop_app.domain.forecast import CALL_LABEL
from desktop_app.domain.perception import CATEGORY_LABEL
from desktop_app.io.exporters.xlsx_writer import SheetSpec, write_xlsx
from desktop_app.services.managers.pack import OneOnOnePackData


def pack_sheets(pack: OneOnOnePackData) -> list[SheetSpec]:
    """The workbook's sheets (numbers stay numbers; percentages as fractions)."""
    summary = SheetSpec("Summary", (34, 16, 16), [("Measure", pack.owner, "Team median")])
    summary.rows += [(ln.label, ln.value, ln.median) for ln in pack.summary]
    summary.rows += [(), ("As of", pack.as_of.isoformat()), ("Changes since", pack.baseline)]
    mix = SheetSpec("Band mix", (20, 12, 14), [("Band", "Accounts", "Team median")])
    mix.rows += [(b, n, pack.band_median.get(b)) for b, n in pack.band_mix.items()]
    plan = SheetSpec(f"Plan {pack.quarter}", (28, 16), [("Plan", "Figure")])
    r = pack.plan
    if r is not None:
        plan.rows += [
            ("Target", pack.target_label or "no target set"),
            ("Target ($)", r.target),
            ("ARR due", r.arr_due),
            ("Won so far", r.retained),
            ("Committed", r.committed),
            ("Likely", r.likely),
            ("At risk", r.at_risk),
            ("Not called", r.uncalled),
            ("% to plan so far", r.pct_to_plan),
            ("% to plan projected", r.projected_pct),
        ]
    ren = SheetSpec(
        "Renewals 90 days",
        (34, 12, 8, 14, 16, 12, 14),
        [("Account", "Due", "Days", "ARR", "Band", "Call", "App suggests")],
    )
    ren.rows += [
        (
            x.account,
            x.due.isoformat(),
            x.days,
            x.arr,
            x.band,
            CALL_LABEL[x.call] if x.call else None,
            CALL_LABEL[x.suggested],
        )
        for x in pack.renewals
    ]
    changes = SheetSpec("Changes", (16, 34, 50), [("Change", "Account", "Detail")])
    changes.rows += [(c.kind, c.account, c.detail) for c in pack.changes]
    alerts = SheetSpec("Open alerts", (22, 20, 34, 70), [("Id", "Alert", "Account", "Detail")])
    alerts.rows += [(a.id, a.type, a.account, a.message) for a in pack.alerts]
    sheets = [summary, mix, plan, ren, changes, alerts]
    if pack.perception is not None:
        per = SheetSpec(
            "Perception",
            (26, 12, 8, 10, 10, 10, 14, 12, 10, 10),
            [("Category", "Performance", "n", "CI low", "CI high", "Team", "Against team",
              "Importance", "n", "Gap")],
        )  # fmt: skip
        for v in pack.perception.categories:
            p = v.performance
            per.rows.append(
                (CATEGORY_LABEL[v.category], p.mean, p.n, p.low, p.high, p.team_mean,
                 p.mark, v.importance, v.importance_n, v.gap)
            )  # fmt: skip
        sheets.append(per)
    return sheets


def write_pack_xlsx(pack: OneOnOnePackData, path: str | Path) -> None:
    """Write the pack workbook at ``path``."""
    write_xlsx(path, pack_sheets(pack))
