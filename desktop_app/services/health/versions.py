"""Scorecard versions: the default from resources, named saves, the active one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.domain.scorecard import (
    Scorecard,
    ScorecardError,
    scorecard_from_dict,
    scorecard_to_dict,
    validate_scorecard,
)
from desktop_app.resources import resource_path
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.schema import ScorecardVersion

DEFAULT_RESOURCE = "scorecard_default.json"


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    name: str
    created_at: datetime
    is_active: bool


def default_scorecard() -> Scorecard:
    """The scorecard shipped in ``resources/scorecard_default.json``."""
    data = json.loads(resource_path(DEFAULT_RESOURCE).read_text(encoding="utf-8"))
    return scorecard_from_dict(data)


def active_scorecard(session: Session) -> tuple[int, Scorecard]:
    """The active version (id, scorecard), creating the default one on first use."""
    row = session.execute(
        select(ScorecardVersion)
        .where(ScorecardVersion.is_active.is_(True))
        .order_by(ScorecardVersion.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        card = default_scorecard()
        row = ScorecardVersion(
            name=card.name,
            created_at=datetime.now(),
            definition_json=json.dumps(scorecard_to_dict(card)),
            is_active=True,
        )
        session.add(row)
        session.flush()
        return row.id, card
    return row.id, _parse(row.definition_json)


def _parse(text: str) -> Scorecard:
    try:
        return scorecard_from_dict(json.loads(text))
    except (ScorecardError, ValueError) as exc:
        raise UserError(f"stored scorecard is unreadable: {exc}") from exc


def get_active(store: Store) -> tuple[int, Scorecard]:
    """The active scorecard version id and definition (created from the default if none)."""
    with store.sessions.begin() as session:
        return active_scorecard(session)


def list_versions(store: Store) -> list[VersionInfo]:
    """Every saved scorecard version, newest first."""
    with store.sessions() as session:
        rows = session.execute(
            select(
                ScorecardVersion.id,
                ScorecardVersion.name,
                ScorecardVersion.created_at,
                ScorecardVersion.is_active,
            ).order_by(ScorecardVersion.id.desc())
        ).all()
    return [VersionInfo(r[0], r[1], r[2], bool(r[3])) for r in rows]


def save_version(store: Store, name: str, scorecard: Scorecard, *, activate: bool = False) -> int:
    """Save ``scorecard`` as a named version; raises ``UserError`` if it is invalid."""
    problems = validate_scorecard(scorecard)
    if problems:
        raise UserError(" ".join(problems))
    if not name.strip():
        raise UserError("a scorecard version needs a name")
    with store.sessions.begin() as session:
        row = ScorecardVersion(
            name=name.strip(),
            created_at=datetime.now(),
            definition_json=json.dumps(scorecard_to_dict(scorecard)),
            is_active=False,
        )
        session.add(row)
        session.flush()
        vid = row.id
    if activate:
        activate_version(store, vid)
    return vid


def activate_version(store: Store, version_id: int) -> None:
    """Make ``version_id`` the active scorecard (the next rescore uses it)."""
    with store.sessions.begin() as session:
        if session.get(ScorecardVersion, version_id) is None:
            raise UserError(f"no scorecard version {version_id}")
        session.execute(update(ScorecardVersion).values(is_active=False))
        session.execute(
            update(ScorecardVersion).where(ScorecardVersion.id == version_id).values(is_active=True)
        )
