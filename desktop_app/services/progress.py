"""Progress and cooperative cancellation: the one protocol of ``domain.progress``, re-exported.

Services, the UI's workers and the CLI import it from here, io from ``domain.progress``:
both are the same classes, so a reader's ``Cancelled`` is the service's ``Cancelled``.
"""

from __future__ import annotations

from desktop_app.domain.progress import Cancelled, NullProgress, Progress, check

__all__ = ["Cancelled", "NullProgress", "Progress", "check"]
