"""Does the health score rank churn on books we did not make? (issue: trusted health score)

For each independent simulated book (``tests/books/simbook.py``: churn follows only the
signals its model names; Recurly-only exports, no tickets, NPS or contacts), imported
through the real CLI:

* AUC of the default scorecard, ``score --as-of D``, for churn within 90 days of D;
* AUC of each single signal at D (latest MAU, MRR, tenure);
* AUC of a plain logistic regression on log MAU, log MRR and log tenure, fitted on the
  account-months before D (the bar the issue sets);
* AUC after ``scorecard fit --as-of D --activate`` then ``score --as-of D``, and the fit's
  own verdict. On a random-churn book the fit must claim nothing.

Usage: ``.venv/bin/python benchmarks/health_independent.py [--accounts 1400] [--json OUT]``
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.domain.churn import auc, day_number  # noqa: E402
from desktop_app.domain.health_inputs import measures_at  # noqa: E402
from desktop_app.services.database import open_database  # noqa: E402
from desktop_app.services.health.observations import observe  # noqa: E402
from desktop_app.services.health.versions import default_scorecard  # noqa: E402
from desktop_app.services.progress import NullProgress  # noqa: E402
from desktop_app.store.history_reader import load_history  # noqa: E402
from tests.books.simbook import ChurnModel, SimBook, write_book  # noqa: E402

AS_OF = date(2026, 8, 31)
HORIZON = 90
CLI = [sys.executable, "-m", "desktop_app"]
BOOKS = {
    "usage+tenure": ChurnModel(),
    "usage+tenure+mrr": ChurnModel(usage=-0.6, tenure=-0.7, mrr=-0.5),
    "tenure-heavy": ChurnModel(usage=-0.4, tenure=-1.4),
    "random": ChurnModel(random=True, base=-3.4),
}


def run(db: Path, *args: str) -> str:
    out = subprocess.run([*CLI, "--db", str(db), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def truth(db: Path, book: SimBook) -> tuple[np.ndarray, np.ndarray]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "select a.id, a.sf_account_id, h.score from health_scores h "
        "join accounts a on a.id = h.account_id order by a.id"
    ).fetchall()
    con.close()
    churned = book.churned_between(AS_OF, AS_OF + timedelta(days=HORIZON))
    ids = np.array([r[0] for r in rows])
    y = np.array([r[1][:15] in churned for r in rows])
    score = np.array([np.nan if r[2] is None else r[2] for r in rows])
    return ids, np.column_stack([score, y])


def features(inputs, keys=("mau_latest", "mrr", "tenure_months")) -> np.ndarray:
    return np.column_stack([np.log10(1 + np.maximum(inputs.raw[k], 0)) for k in keys])


def impute(x: np.ndarray, med: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), med, x)


def regression_auc(db: Path, book: SimBook) -> float | None:
    from sklearn.linear_model import LogisticRegression

    store = open_database(db)
    card = default_scorecard()
    with store.sessions() as s:
        h = load_history(s, AS_OF)
    months = observe(card, h, AS_OF, HORIZON, NullProgress())
    x = np.vstack([features(m.inputs) for m in months])
    med = np.nanmedian(x, axis=0)
    y = np.concatenate([m.label for m in months])
    model = LogisticRegression(max_iter=500).fit(impute(x, med), y)
    now = measures_at(card, h, float(day_number(AS_OF)))
    risk = model.decision_function(impute(features(now), med))
    churned = book.churned_between(AS_OF, AS_OF + timedelta(days=HORIZON))
    with store.sessions() as s:
        sf = dict(s.execute(text("select id, sf_account_id from accounts")).all())
    store.dispose()
    yy = np.array([sf[int(a)][:15] in churned for a in now.account_id])
    signals = {k: auc(-now.raw[k], yy) for k in ("mau_latest", "mrr", "tenure_months")}
    return auc(risk, yy), signals


def one_book(name: str, model: ChurnModel, n: int, seed: int, tmp: Path) -> dict:
    book = write_book(tmp / name / "files", n=n, seed=seed, model=model)
    db = tmp / name / "book.db"
    run(db, "import", *map(str, book.files))
    run(db, "score", "--as-of", AS_OF.isoformat())
    _ids, sy = truth(db, book)
    default_auc = auc(-sy[:, 0], sy[:, 1].astype(bool))
    reg, signals = regression_auc(db, book)
    t = time.perf_counter()
    fit = json.loads(
        run(db, "scorecard", "fit", "--as-of", AS_OF.isoformat(), "--activate", "--json")
    )
    fit_s = time.perf_counter() - t
    run(db, "score", "--as-of", AS_OF.isoformat())
    _ids, sy = truth(db, book)
    fitted_auc = auc(-sy[:, 0], sy[:, 1].astype(bool))
    return {
        "book": name,
        "accounts": n,
        "seed": seed,
        "live_at_D": int(sy.shape[0]),
        "churn_within_90d": int(sy[:, 1].sum()),
        "auc_default": default_auc,
        "auc_signals": signals,
        "auc_regression_usage_mrr_tenure": reg,
        "auc_fitted": fitted_auc,
        "fit_verdict": fit["verdict"],
        "fit_backtest": [fit["auc_backtest"], fit["auc_backtest_ci"]],
        "fit_current": fit["auc_current"],
        "fit_seconds_process": round(fit_s, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1400)
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            for name, model in BOOKS.items():
                r = one_book(f"{name}-{seed}", model, args.accounts, seed, Path(tmp))
                results.append(r)
                f = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
                sig = " ".join(f"{k}={f(v)}" for k, v in r["auc_signals"].items())
                print(
                    f"{r['book']:22} churn={r['churn_within_90d']:3}/{r['live_at_D']:4} "
                    f"default={f(r['auc_default'])} "
                    f"regression={f(r['auc_regression_usage_mrr_tenure'])} "
                    f"fitted={f(r['auc_fitted'])} verdict={r['fit_verdict']:18} [{sig}] "
                    f"fit {r['fit_seconds_process']} s",
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
