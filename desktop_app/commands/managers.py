"""The managers' commands in one place: ``plan``, ``forecast``, ``hindsight``, ``oneonone``.

(``alerts list|ack|snooze|reopen`` extend the ``alerts`` command of ``commands.team``.)
"""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    from desktop_app.commands import hindsight, oneonone, plan

    for module in (plan, hindsight, oneonone):
        module.register(sub)
