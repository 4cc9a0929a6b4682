"""Health: scoring the book (current and monthly history), overrides, scorecard versions, the
sources a book has, validation against churn and fitting weights to it.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.health.fit import BandChange as BandChange
    from desktop_app.services.health.fit import FitReport as FitReport
    from desktop_app.services.health.fit import accept_fit as accept_fit
    from desktop_app.services.health.fit import fit_scorecard as fit_scorecard
    from desktop_app.services.health.fit import measure_label as measure_label
    from desktop_app.services.health.freshness import stale_scores as stale_scores
    from desktop_app.services.health.incremental import rescore_after_import as rescore_after_import
    from desktop_app.services.health.overrides import OVERRIDE_REASONS as OVERRIDE_REASONS
    from desktop_app.services.health.overrides import OverrideInfo as OverrideInfo
    from desktop_app.services.health.overrides import active_overrides as active_overrides
    from desktop_app.services.health.overrides import clear_override as clear_override
    from desktop_app.services.health.overrides import restore_override as restore_override
    from desktop_app.services.health.overrides import set_override as set_override
    from desktop_app.services.health.scoring import ScorePreviewer as ScorePreviewer
    from desktop_app.services.health.scoring import explain as explain
    from desktop_app.services.health.scoring import history as history
    from desktop_app.services.health.scoring import rescore as rescore
    from desktop_app.services.health.scoring import save_version as save_version
    from desktop_app.services.health.sources import book_sources as book_sources
    from desktop_app.services.health.validation import RATE_HORIZON_DAYS as RATE_HORIZON_DAYS
    from desktop_app.services.health.validation import SignalAuc as SignalAuc
    from desktop_app.services.health.validation import ValidationReport as ValidationReport
    from desktop_app.services.health.validation import retention as retention
    from desktop_app.services.health.validation import retention_by_owner as retention_by_owner
    from desktop_app.services.health.validation import retention_series as retention_series
    from desktop_app.services.health.validation import validate as validate
    from desktop_app.services.health.versions import active_scorecard as active_scorecard
    from desktop_app.services.health.versions import get_active as get_active

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "BandChange": "fit",
    "FitReport": "fit",
    "OVERRIDE_REASONS": "overrides",
    "OverrideInfo": "overrides",
    "RATE_HORIZON_DAYS": "validation",
    "ScorePreviewer": "scoring",
    "SignalAuc": "validation",
    "ValidationReport": "validation",
    "accept_fit": "fit",
    "active_overrides": "overrides",
    "active_scorecard": "versions",
    "book_sources": "sources",
    "clear_override": "overrides",
    "explain": "scoring",
    "fit_scorecard": "fit",
    "get_active": "versions",
    "history": "scoring",
    "measure_label": "fit",
    "rescore": "scoring",
    "rescore_after_import": "incremental",
    "restore_override": "overrides",
    "retention": "validation",
    "retention_by_owner": "validation",
    "retention_series": "validation",
    "save_version": "scoring",
    "set_override": "overrides",
    "stale_scores": "freshness",
    "validate": "validation",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
