"""Team mode and the team view: per-CSM books beside the median, the team database's roles (server
init/grant), and change notifications between clients.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.team.server import connection_info as connection_info
    from desktop_app.services.team.server import grant_login as grant_login
    from desktop_app.services.team.server import init_server as init_server
    from desktop_app.services.team.server import is_refusal as is_refusal
    from desktop_app.services.team.server import needs_password as needs_password
    from desktop_app.services.team.server import refusal_for_call as refusal_for_call
    from desktop_app.services.team.server import refusal_message as refusal_message
    from desktop_app.services.team.server import team_url as team_url
    from desktop_app.services.team.server import url_label as url_label
    from desktop_app.services.team.server import with_password as with_password
    from desktop_app.services.team.summary import NOT_SCORED as NOT_SCORED
    from desktop_app.services.team.summary import CsmSummary as CsmSummary
    from desktop_app.services.team.summary import csm_alerts as csm_alerts
    from desktop_app.services.team.summary import owner_names as owner_names
    from desktop_app.services.team.summary import summary_dict as summary_dict
    from desktop_app.services.team.summary import team_median as team_median
    from desktop_app.services.team.summary import team_summary as team_summary
    from desktop_app.services.team.sync import PARTIAL_MAX as PARTIAL_MAX
    from desktop_app.services.team.sync import announce as announce
    from desktop_app.services.team.sync import announce_batches as announce_batches
    from desktop_app.services.team.sync import hold_book_lock as hold_book_lock
    from desktop_app.services.team.sync import listen as listen

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "CsmSummary": "summary",
    "NOT_SCORED": "summary",
    "PARTIAL_MAX": "sync",
    "announce": "sync",
    "announce_batches": "sync",
    "connection_info": "server",
    "csm_alerts": "summary",
    "grant_login": "server",
    "hold_book_lock": "sync",
    "init_server": "server",
    "is_refusal": "server",
    "listen": "sync",
    "needs_password": "server",
    "owner_names": "summary",
    "refusal_for_call": "server",
    "refusal_message": "server",
    "summary_dict": "summary",
    "team_median": "summary",
    "team_summary": "summary",
    "team_url": "server",
    "url_label": "server",
    "with_password": "server",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
