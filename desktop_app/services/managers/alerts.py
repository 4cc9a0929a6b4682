"""The alert overview: alerts of every active account, by CSM and type, with ack and snooze.

An acknowledgement holds while the alert's fingerprint is the one acknowledged (a new band
drop alerts again); a snooze holds until its date (the alert is back on the date itself).
The latest action on an alert is the one in force; undo deletes it (``delete_action``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import delete, select

from desktop_app.domain.alert_rules import (
    NEEDS_SOURCE,
    USAGE_DROP_DEFAULT,
    AlertType,
    findings,
)
from desktop_app.domain.sources import SOURCE_LABELS
from desktop_app.services.book import load_book
from desktop_app.services.errors import UserError
from desktop_app.services.managers.alert_facts import load_facts
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account
from desktop_app.store.schema_managers import AlertAction

OPEN, ACKNOWLEDGED, SNOOZED = "open", "acknowledged", "snoozed"


@dataclass(frozen=True)
class ActionRecord:
    id: int
    alert_id: str
    account_id: int
    action: str  # ack | snooze
    fingerprint: str | None
    reason: str | None
    until: date | None
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class AlertRow:
    id: str  # "<type>:<account id>"
    type: AlertType
    account_id: int
    account: str
    owner: str
    message: str
    fingerprint: str
    status: str  # open | acknowledged | snoozed
    action: ActionRecord | None  # the ack or snooze in force


@dataclass(frozen=True)
class AlertOverview:
    as_of: date
    alerts: list[AlertRow]
    counts: dict[str, dict[AlertType, int]]  # owner -> type -> open alerts
    handled: dict[str, int]  # owner -> acknowledged or snoozed alerts
    #: Alert types that cannot fire because the book lacks their source (type -> source).
    blind: dict[AlertType, str] = field(default_factory=dict)

    def for_owner(self, owner: str | None) -> list[AlertRow]:
        if not owner:
            return self.alerts
        key = owner.strip().casefold()
        return [a for a in self.alerts if a.owner.casefold() == key]


def _record(a: AlertAction) -> ActionRecord:
    return ActionRecord(
        int(a.id),
        a.alert_id,
        int(a.account_id),
        a.action,
        a.fingerprint,
        a.reason,
        a.until,
        a.author,
        a.created_at,
    )


def latest_actions(store: Store) -> dict[str, ActionRecord]:
    with store.sessions() as session:
        rows = session.scalars(select(AlertAction).order_by(AlertAction.created_at, AlertAction.id))
        return {r.alert_id: _record(r) for r in rows}


def _status(act: ActionRecord | None, fingerprint: str, today: date) -> str:
    if act is None:
        return OPEN
    if act.action == "snooze" and act.until is not None and act.until > today:
        return SNOOZED
    if act.action == "ack" and act.fingerprint == fingerprint:
        return ACKNOWLEDGED
    return OPEN


def alert_overview(
    store: Store,
    today: date | None = None,
    *,
    usage_drop: float = USAGE_DROP_DEFAULT,
) -> AlertOverview:
    """Every alert of the active book as of ``today``, with counts by CSM and type."""
    today = today or date.today()
    book = load_book(store, today)
    facts, sources = load_facts(store, book, today)
    acts = latest_actions(store)
    pos = {int(a): i for i, a in enumerate(book.account_id.tolist())}
    rows: list[AlertRow] = []
    for aid, f in facts.items():
        i = pos[aid]
        owner = str(book.owner[i] or "(unassigned)")
        for fnd in findings(f, usage_drop):
            alert_id = f"{fnd.type.value}:{aid}"
            act = acts.get(alert_id)
            status = _status(act, fnd.fingerprint, today)
            rows.append(
                AlertRow(
                    alert_id,
                    fnd.type,
                    aid,
                    str(book.name[i]),
                    owner,
                    fnd.message,
                    fnd.fingerprint,
                    status,
                    act if status != OPEN else None,
                )
            )
    order = {t: k for k, t in enumerate(AlertType)}
    rows.sort(key=lambda r: (r.owner.lower(), r.status != OPEN, order[r.type], r.account.lower()))
    counts: dict[str, dict[AlertType, int]] = {}
    handled: Counter[str] = Counter()
    for r in rows:
        per = counts.setdefault(r.owner, dict.fromkeys(AlertType, 0))
        if r.status == OPEN:
            per[r.type] += 1
        else:
            handled[r.owner] += 1
    blind = {t: SOURCE_LABELS[src] for t, src in NEEDS_SOURCE.items() if src not in sources}
    if (~np.isnat(book.renewal_date)).any():  # renewal dates may come from subscriptions
        blind.pop(AlertType.RENEWAL_RISK, None)
    return AlertOverview(today, rows, counts, dict(handled), blind)


def find_alert(store: Store, alert_id: str, today: date | None = None) -> AlertRow:
    """The current alert with this id; ``UserError`` if there is none (any more)."""
    for a in alert_overview(store, today).alerts:
        if a.id == alert_id.strip():
            return a
    raise UserError(f"No current alert {alert_id!r} (ids look like past_due:42; see alerts list).")


def _add(store: Store, alert: AlertRow, **values: object) -> ActionRecord:
    with store.sessions() as session, session.begin():
        if session.get(Account, alert.account_id) is None:
            raise UserError(f"No account with id {alert.account_id}.")
        row = AlertAction(
            alert_id=alert.id,
            account_id=alert.account_id,
            fingerprint=alert.fingerprint,
            created_at=datetime.now().replace(microsecond=0),
            **values,
        )
        session.add(row)
        session.flush()
        return _record(row)


def acknowledge(
    store: Store,
    alert_id: str,
    reason: str | None = None,
    *,
    author: str | None = None,
    today: date | None = None,
) -> ActionRecord:
    """Acknowledge a current alert (it stays listed as acknowledged until it changes)."""
    alert = find_alert(store, alert_id, today)
    return _add(store, alert, action="ack", reason=(reason or "").strip() or None, author=author)


def snooze(
    store: Store,
    alert_id: str,
    until: date,
    reason: str,
    *,
    author: str | None = None,
    today: date | None = None,
) -> ActionRecord:
    """Snooze a current alert until ``until``; ``UserError`` without a reason or a later date."""
    today = today or date.today()
    if not reason.strip():
        raise UserError("A snooze needs a reason.")
    if until <= today:
        raise UserError(f"Snooze until a later date than today (got {until.isoformat()}).")
    alert = find_alert(store, alert_id, today)
    return _add(store, alert, action="snooze", reason=reason.strip(), until=until, author=author)


def delete_action(store: Store, action_id: int) -> ActionRecord | None:
    """Delete one ack or snooze (undo, or "reopen"); returns it, None if not there."""
    with store.sessions() as session, session.begin():
        row = session.get(AlertAction, action_id)
        if row is None:
            return None
        rec = _record(row)
        session.execute(delete(AlertAction).where(AlertAction.id == action_id))
        return rec


def restore_action(store: Store, rec: ActionRecord) -> int:
    """Put a deleted ack or snooze back with its id (redo)."""
    with store.sessions() as session, session.begin():
        session.add(
            AlertAction(
                id=rec.id,
                alert_id=rec.alert_id,
                account_id=rec.account_id,
                action=rec.action,
                fingerprint=rec.fingerprint,
                reason=rec.reason,
                until=rec.until,
                author=rec.author,
                created_at=rec.created_at,
            )
        )
    return rec.id


def reopen(store: Store, alert_id: str) -> int:
    """Delete every ack and snooze of an alert; returns how many."""
    with store.sessions() as session, session.begin():
        result = session.execute(delete(AlertAction).where(AlertAction.alert_id == alert_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
