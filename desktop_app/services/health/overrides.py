"""Health overrides: a person sets an account's band with a reason; the computed band stays.

Overrides live in their own table, so re-imports and rescoring never overwrite them. An
active override is flagged ``needs_review`` when the computed band has moved across a band
boundary since it was set, or when its expiry date has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.accounts import HealthBand
from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.services.team import announce
from desktop_app.store.dialect import lock_key
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, HealthOverride, HealthScore

#: Reason codes offered when overriding a band.
OVERRIDE_REASONS: tuple[str, ...] = (
    "Relationship known to CSM",
    "Data missing or outdated",
    "Organic contraction",
    "Escalation resolved",
    "Recent executive contact",
    "Renewal signed",
    "Other",
)


@dataclass(frozen=True, slots=True)
class OverrideInfo:
    id: int
    account_id: int
    account_name: str
    owner: str | None
    band: str
    reason_code: str
    note: str | None
    author: str | None
    created_at: datetime
    expires_on: date | None
    computed_band_at_set: str | None
    computed_score_at_set: float | None
    computed_band_now: str | None
    computed_score_now: float | None
    needs_review: bool


def _review_needed(row: HealthOverride, band_now: str | None, today: date) -> bool:
    moved = band_now is not None and band_now != row.computed_band_at_set
    expired = row.expires_on is not None and row.expires_on < today
    return moved or expired


def set_override(
    store: Store,
    account_id: int,
    band: str,
    reason_code: str,
    note: str | None,
    author: str | None,
    expires_on: date | None = None,
    *,
    expected_active: int | Literal["any"] | None = "any",
) -> int:
    """Override an account's band (replacing its active override); returns the new id.

    ``expected_active`` is the active override id the user saw (None: none). If another
    client has set or cleared one since, ``StaleEdit`` is raised with the current one.
    Raises ``UserError`` for an unknown account, band or an empty reason.
    """
    try:
        band = HealthBand(band).value
    except ValueError:
        raise UserError(f"unknown health band {band!r}") from None
    if not reason_code.strip():
        raise UserError("an override needs a reason code")
    now = datetime.now()
    with store.sessions.begin() as session:
        # Two clients overriding one account at once: the second waits, then sees the first.
        lock_key(session.connection(), "override", account_id)
        if session.get(Account, account_id) is None:
            raise UserError(f"no account with id {account_id}")
        active = _active_rows(session, account_id)
        if expected_active != "any":
            _check_active(active, expected_active)
        for old in active:
            old.is_active, old.cleared_at, old.cleared_by = False, now, author
        score = session.get(HealthScore, account_id)
        row = HealthOverride(
            account_id=account_id,
            band=band,
            reason_code=reason_code.strip(),
            note=(note or "").strip() or None,
            author=author,
            created_at=now,
            expires_on=expires_on,
            computed_score_at_set=None if score is None else score.score,
            computed_band_at_set=None if score is None else score.band,
            is_active=True,
            needs_review=False,
        )
        session.add(row)
        session.flush()
        announce(session.connection(), [account_id])
        return row.id


def _active_rows(session: Session, account_id: int) -> list[HealthOverride]:
    return list(
        session.execute(
            select(HealthOverride)
            .where(HealthOverride.account_id == account_id, HealthOverride.is_active.is_(True))
            .order_by(HealthOverride.id)
        ).scalars()
    )


def _check_active(active: list[HealthOverride], expected: int | None) -> None:
    now = active[-1] if active else None
    if (now.id if now else None) == expected:
        return
    if now is None:
        shown = "no override (the computed band applies)"
    else:
        shown = f"{now.band} ({now.reason_code}, by {now.author or 'someone'})"
    raise StaleEdit(
        f"Someone else changed this account's override since you opened it; it is now "
        f"{shown}. Apply yours again to replace it.",
        None if now is None else now.id,
        0 if now is None else now.version,
        what=shown if now is None else _described(now),
        who=None if now is None else now.author,
        when=None if now is None else now.created_at,
    )


def _described(row: HealthOverride) -> str:
    text = f"{row.band} ({row.reason_code})"
    return f"{text}: {row.note}" if row.note else text


def clear_override(store: Store, override_id: int, by: str | None) -> None:
    """Deactivate an override (the computed band applies again); kept for the audit trail."""
    with store.sessions.begin() as session:
        row = session.get(HealthOverride, override_id)
        if row is None:
            raise UserError(f"no override {override_id}")
        row.is_active, row.cleared_at, row.cleared_by = False, datetime.now(), by
        announce(session.connection(), [row.account_id])


def restore_override(store: Store, override_id: int) -> None:
    """Re-activate a cleared override (undo of a clear), deactivating any newer one."""
    with store.sessions.begin() as session:
        row = session.get(HealthOverride, override_id)
        if row is None:
            raise UserError(f"no override {override_id}")
        for other in _active_rows(session, row.account_id):
            if other.id != override_id:
                other.is_active, other.cleared_at = False, datetime.now()
        row.is_active, row.cleared_at, row.cleared_by = True, None, None


def refresh_review_flags(session: Session, today: date) -> int:
    """Recompute ``needs_review`` of every active override; returns how many need review."""
    rows = session.execute(
        select(HealthOverride, HealthScore.band)
        .outerjoin(HealthScore, HealthScore.account_id == HealthOverride.account_id)
        .where(HealthOverride.is_active.is_(True))
    ).all()
    count = 0
    for row, band_now in rows:
        row.needs_review = _review_needed(row, band_now, today)
        count += int(row.needs_review)
    return count


def active_overrides(store: Store, today: date | None = None) -> list[OverrideInfo]:
    """Every active override (the managers' list), flagged for review where needed."""
    today = today or date.today()
    with store.sessions() as session:
        rows = session.execute(
            select(HealthOverride, Account.name, Csm.full_name, HealthScore.band, HealthScore.score)
            .join(Account, Account.id == HealthOverride.account_id)
            .outerjoin(Csm, Csm.id == Account.owner_id)
            .outerjoin(HealthScore, HealthScore.account_id == HealthOverride.account_id)
            .where(HealthOverride.is_active.is_(True))
            .order_by(HealthOverride.created_at.desc(), HealthOverride.id.desc())
        ).all()
        return [
            OverrideInfo(
                id=o.id,
                account_id=o.account_id,
                account_name=name,
                owner=owner,
                band=o.band,
                reason_code=o.reason_code,
                note=o.note,
                author=o.author,
                created_at=o.created_at,
                expires_on=o.expires_on,
                computed_band_at_set=o.computed_band_at_set,
                computed_score_at_set=o.computed_score_at_set,
                computed_band_now=band_now,
                computed_score_now=score_now,
                needs_review=_review_needed(o, band_now, today),
            )
            for o, name, owner, band_now, score_now in rows
        ]
