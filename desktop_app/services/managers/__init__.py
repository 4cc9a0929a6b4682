"""Managers' one-on-ones: alerts, renewal plans and forecasts, hindsight on churn, the perception
survey and the one-on-one pack.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.managers.alerts import OPEN as OPEN
    from desktop_app.services.managers.alerts import ActionRecord as ActionRecord
    from desktop_app.services.managers.alerts import AlertOverview as AlertOverview
    from desktop_app.services.managers.alerts import AlertRow as AlertRow
    from desktop_app.services.managers.alerts import acknowledge as acknowledge
    from desktop_app.services.managers.alerts import alert_overview as alert_overview
    from desktop_app.services.managers.alerts import delete_action as delete_action
    from desktop_app.services.managers.alerts import reopen as reopen
    from desktop_app.services.managers.alerts import restore_action as restore_action
    from desktop_app.services.managers.alerts import snooze as snooze
    from desktop_app.services.managers.forecast import CallRecord as CallRecord
    from desktop_app.services.managers.forecast import call_history as call_history
    from desktop_app.services.managers.forecast import delete_call as delete_call
    from desktop_app.services.managers.forecast import restore_call as restore_call
    from desktop_app.services.managers.forecast import set_call as set_call
    from desktop_app.services.managers.hindsight import Glimpse as Glimpse
    from desktop_app.services.managers.hindsight import Hindsight as Hindsight
    from desktop_app.services.managers.hindsight import did_we_see_it_coming as did_we_see_it_coming
    from desktop_app.services.managers.pack import OneOnOnePackData as OneOnOnePackData
    from desktop_app.services.managers.pack import SummaryLine as SummaryLine
    from desktop_app.services.managers.pack import build_pack as build_pack
    from desktop_app.services.managers.pack import record_pack as record_pack
    from desktop_app.services.managers.pack_xlsx import write_pack_xlsx as write_pack_xlsx
    from desktop_app.services.managers.perception import AccountPerception as AccountPerception
    from desktop_app.services.managers.perception import CategoryView as CategoryView
    from desktop_app.services.managers.perception import CsmPerception as CsmPerception
    from desktop_app.services.managers.perception import PerceptionReport as PerceptionReport
    from desktop_app.services.managers.perception import SurveyImport as SurveyImport
    from desktop_app.services.managers.perception import import_survey as import_survey
    from desktop_app.services.managers.perception import perception_report as perception_report
    from desktop_app.services.managers.plan import PlanImport as PlanImport
    from desktop_app.services.managers.plan import PlanReport as PlanReport
    from desktop_app.services.managers.plan import RenewalRow as RenewalRow
    from desktop_app.services.managers.plan import Target as Target
    from desktop_app.services.managers.plan import import_plan as import_plan
    from desktop_app.services.managers.plan import parse_quarter as parse_quarter
    from desktop_app.services.managers.plan import parse_target_text as parse_target_text
    from desktop_app.services.managers.plan import plan_report as plan_report
    from desktop_app.services.managers.plan import set_target as set_target

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "AccountPerception": "perception",
    "ActionRecord": "alerts",
    "AlertOverview": "alerts",
    "AlertRow": "alerts",
    "CallRecord": "forecast",
    "CategoryView": "perception",
    "CsmPerception": "perception",
    "Glimpse": "hindsight",
    "Hindsight": "hindsight",
    "OPEN": "alerts",
    "OneOnOnePackData": "pack",
    "PerceptionReport": "perception",
    "PlanImport": "plan",
    "PlanReport": "plan",
    "RenewalRow": "plan",
    "SummaryLine": "pack",
    "SurveyImport": "perception",
    "Target": "plan",
    "acknowledge": "alerts",
    "alert_overview": "alerts",
    "build_pack": "pack",
    "call_history": "forecast",
    "delete_action": "alerts",
    "delete_call": "forecast",
    "did_we_see_it_coming": "hindsight",
    "import_plan": "plan",
    "import_survey": "perception",
    "parse_quarter": "plan",
    "parse_target_text": "plan",
    "perception_report": "perception",
    "plan_report": "plan",
    "record_pack": "pack",
    "reopen": "alerts",
    "restore_action": "alerts",
    "restore_call": "forecast",
    "set_call": "forecast",
    "set_target": "plan",
    "snooze": "alerts",
    "write_pack_xlsx": "pack_xlsx",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
