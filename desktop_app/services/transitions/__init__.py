"""Account transitions (the SOP hand-offs): the plan, the checklist, the facts behind each
question, the brief and the SOP spreadsheet.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.transitions.brief import HandoffBrief as HandoffBrief
    from desktop_app.services.transitions.brief import brief_data as brief_data
    from desktop_app.services.transitions.brief import override_text as override_text
    from desktop_app.services.transitions.export import MISSING_RGB as MISSING_RGB
    from desktop_app.services.transitions.export import SHEET_LIST as SHEET_LIST
    from desktop_app.services.transitions.export import TRANSITION_COLUMNS as TRANSITION_COLUMNS
    from desktop_app.services.transitions.export import ExportResult as ExportResult
    from desktop_app.services.transitions.export import MissingValue as MissingValue
    from desktop_app.services.transitions.export import TransitionRow as TransitionRow
    from desktop_app.services.transitions.export import export_rows as export_rows
    from desktop_app.services.transitions.export import export_transition as export_transition
    from desktop_app.services.transitions.export import missing_fields as missing_fields
    from desktop_app.services.transitions.plan import ReceiverLoad as ReceiverLoad
    from desktop_app.services.transitions.plan import (
        accounts_to_transition as accounts_to_transition,
    )
    from desktop_app.services.transitions.plan import spread_by_arr as spread_by_arr
    from desktop_app.services.transitions.plan import transition_warnings as transition_warnings
    from desktop_app.services.transitions.plan import workload_preview as workload_preview
    from desktop_app.services.transitions.workflow import TransitionItemView as TransitionItemView
    from desktop_app.services.transitions.workflow import TransitionView as TransitionView
    from desktop_app.services.transitions.workflow import confirm_transition as confirm_transition
    from desktop_app.services.transitions.workflow import create_transition as create_transition
    from desktop_app.services.transitions.workflow import csm_names as csm_names
    from desktop_app.services.transitions.workflow import execute_transition as execute_transition
    from desktop_app.services.transitions.workflow import list_transitions as list_transitions
    from desktop_app.services.transitions.workflow import load_transition as load_transition
    from desktop_app.services.transitions.workflow import set_checklist_item as set_checklist_item
    from desktop_app.services.transitions.workflow import set_scenario as set_scenario
    from desktop_app.services.transitions.workflow import undo_execute as undo_execute

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "ExportResult": "export",
    "HandoffBrief": "brief",
    "MISSING_RGB": "export",
    "MissingValue": "export",
    "ReceiverLoad": "plan",
    "SHEET_LIST": "export",
    "TRANSITION_COLUMNS": "export",
    "TransitionItemView": "workflow",
    "TransitionRow": "export",
    "TransitionView": "workflow",
    "accounts_to_transition": "plan",
    "brief_data": "brief",
    "confirm_transition": "workflow",
    "create_transition": "workflow",
    "csm_names": "workflow",
    "execute_transition": "workflow",
    "export_rows": "export",
    "export_transition": "export",
    "list_transitions": "workflow",
    "load_transition": "workflow",
    "missing_fields": "export",
    "override_text": "brief",
    "set_checklist_item": "workflow",
    "set_scenario": "workflow",
    "spread_by_arr": "plan",
    "transition_warnings": "plan",
    "undo_execute": "workflow",
    "workload_preview": "plan",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
