"""The managers' commands: plan, forecast, hindsight, oneonone, survey and perception.

(``alerts list|ack|snooze|reopen`` extend the ``alerts`` command of ``commands.team``.)
"""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    from desktop_app.commands import hindsight, oneonone, perception, plan

    for module in (plan, hindsight, oneonone, perception):
        module.register(sub)
