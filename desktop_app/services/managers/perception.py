"""Customer perception per CSM: import relationship surveys, score categories against peers.

Performance and importance are the mean 0-10 ratings of the CSM's accounts (by current
owner); the gap is importance minus performance. The team average of a category is the mean
of every rating in it; a CSM is marked above or below it only when their 95% interval
excludes it (``domain.perception``). Every figure carries its response count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select

from desktop_app.domain.ids import is_salesforce_id, to_18
from desktop_app.domain.perception import Category, Score, gap, score
from desktop_app.io.model import ImportFileError
from desktop_app.io.survey_sheet import read_survey
from desktop_app.services.errors import UserError
from desktop_app.services.importing import norm_name
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, ImportBatch
from desktop_app.store.schema_managers import SurveyAnswer

PROFILE = "relationship_survey"


@dataclass(frozen=True)
class SurveyImport:
    file: str
    responses: int
    ratings: int
    unmatched: int  # responses whose account is not in the book (skipped)
    questions: dict[str, str]  # column -> "category" or "category importance"


def import_survey(
    store: Store, path: str | Path, sheet: str | None = None, mapping: dict[str, str] | None = None
) -> SurveyImport:
    """Import a survey export as one batch, or refuse it whole.

    Raises ``UserError`` naming file, sheet, row and column for the first bad rating, or
    for an unreadable file; the database is unchanged then. Responses already imported
    (same response id) are replaced.
    """
    try:
        sheet_data = read_survey(path, sheet, mapping)
    except ImportFileError as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:  # a mapping to an unknown category
        raise UserError(f"{Path(path).name}: {exc}") from None
    if sheet_data.problems:
        extra = len(sheet_data.problems) - 1
        more = f" (and {extra} more)" if extra else ""
        raise UserError(f"{sheet_data.problems[0]}{more}")
    with store.sessions() as s, s.begin():
        accounts = s.execute(select(Account.id, Account.sf_account_id, Account.name)).all()
        by_sf = {sf: int(i) for i, sf, _n in accounts if sf}
        by_name = {norm_name(n): int(i) for i, _sf, n in accounts}
        keys = {r.response_key for r in sheet_data.ratings}
        matched, unmatched = [], set()
        for r in sheet_data.ratings:
            aid = None
            if r.account_sf_id and is_salesforce_id(r.account_sf_id):
                aid = by_sf.get(to_18(r.account_sf_id))
            if aid is None and r.account_name:
                aid = by_name.get(norm_name(r.account_name))
            if aid is None:
                unmatched.add(r.response_key)
            else:
                matched.append((aid, r))
        batch = ImportBatch(
            file_name=str(path),
            sha256=sheet_data.sha256,
            source_profile=PROFILE,
            sheet=sheet_data.sheet,
            rows_total=len(keys),
            rows_new=len(keys - unmatched),
            rows_unmatched=len(unmatched),
            imported_at=datetime.now().replace(microsecond=0),
        )
        s.add(batch)
        s.flush()
        s.execute(delete(SurveyAnswer).where(SurveyAnswer.response_key.in_(sorted(keys))))
        for aid, r in matched:
            s.add(
                SurveyAnswer(
                    batch_id=batch.id,
                    response_key=r.response_key,
                    account_id=aid,
                    responded_at=r.responded_at,
                    question=r.question,
                    category=r.category.value,
                    kind=r.kind,
                    value=r.value,
                )
            )
    questions = {
        c: cat.value + (" importance" if kind == "importance" else "")
        for c, (cat, kind) in sheet_data.questions.items()
    }
    return SurveyImport(
        sheet_data.file, len(keys - unmatched), len(matched), len(unmatched), questions
    )


@dataclass(frozen=True)
class CategoryView:
    category: Category
    performance: Score
    importance: float | None
    importance_n: int
    gap: float | None


@dataclass(frozen=True)
class CsmPerception:
    csm: str
    responses: int
    categories: list[CategoryView]


@dataclass(frozen=True)
class AccountPerception:
    account_id: int
    account: str
    owner: str
    responses: int
    categories: list[CategoryView]


@dataclass(frozen=True)
class PerceptionReport:
    team: dict[Category, tuple[float | None, int]]  # category -> (team mean, ratings)
    csms: list[CsmPerception]
    accounts: list[AccountPerception]

    def for_csm(self, name: str) -> CsmPerception | None:
        return next((c for c in self.csms if c.csm.casefold() == name.strip().casefold()), None)


@dataclass
class _Tally:
    perf: dict[Category, list[float]] = field(default_factory=lambda: defaultdict(list))
    imp: dict[Category, list[float]] = field(default_factory=lambda: defaultdict(list))
    keys: set[str] = field(default_factory=set)

    def add(self, cat: Category, kind: str, value: float, key: str) -> None:
        (self.imp if kind == "importance" else self.perf)[cat].append(value)
        self.keys.add(key)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _views(
    perf: dict[Category, list[float]],
    imp: dict[Category, list[float]],
    team: dict[Category, tuple[float | None, int]],
) -> list[CategoryView]:
    out = []
    for cat in Category:
        sc = score(perf.get(cat, []), team[cat][0])
        im = _mean(imp.get(cat, []))
        out.append(CategoryView(cat, sc, im, len(imp.get(cat, [])), gap(im, sc.mean)))
    return out


def perception_report(store: Store) -> PerceptionReport:
    """Performance, importance and gap by category for every CSM and surveyed account."""
    with store.sessions() as s:
        rows = s.execute(
            select(
                SurveyAnswer.account_id,
                Account.name,
                Csm.full_name,
                SurveyAnswer.response_key,
                SurveyAnswer.category,
                SurveyAnswer.kind,
                SurveyAnswer.value,
            )
            .join(Account, Account.id == SurveyAnswer.account_id)
            .outerjoin(Csm, Csm.id == Account.owner_id)
            .order_by(SurveyAnswer.id)
        ).all()
    all_perf: dict[Category, list[float]] = defaultdict(list)
    by_csm: dict[str, _Tally] = defaultdict(_Tally)
    by_acc: dict[int, _Tally] = defaultdict(_Tally)
    names: dict[int, tuple[str, str]] = {}
    for aid, name, owner, key, cat_text, kind, value in rows:
        cat = Category(cat_text)
        who = owner or "(unassigned)"
        names[int(aid)] = (str(name), who)
        if kind != "importance":
            all_perf[cat].append(value)
        for tally in (by_csm[who], by_acc[int(aid)]):
            tally.add(cat, kind, value, key)
    team = {c: (_mean(all_perf.get(c, [])), len(all_perf.get(c, []))) for c in Category}
    csms = [
        CsmPerception(who, len(t.keys), _views(t.perf, t.imp, team))
        for who, t in sorted(by_csm.items(), key=lambda kv: kv[0].lower())
    ]
    accounts = [
        AccountPerception(aid, *names[aid], len(t.keys), _views(t.perf, t.imp, team))
        for aid, t in sorted(by_acc.items(), key=lambda kv: names[kv[0]][0].lower())
    ]
    return PerceptionReport(team, csms, accounts)
