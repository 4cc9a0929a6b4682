"""Spare the GUI PySide6's reading of every module's source after it is imported.

PySide6 (``shibokensupport/feature.py``, PYSIDE-2029) reads the source of each module
imported after it with ``inspect.getsource`` to decide whether ``from __feature__ import``
switching applies to that module, and ``linecache`` then keeps every line for good: at
start-up SQLAlchemy, numpy, pyqtgraph and the standard library came to ~30 MB of resident
text, read from disk on the way. Account Desk never selects a ``__feature__``, so each module
gets the answer PySide6 gives a Qt module, "no feature" (0), before it is imported, and
nothing is read. The register is PySide6's published ``pyside_feature_dict``; without it
(another PySide6) this does nothing. No Qt import here: it only looks at ``sys.modules``.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

#: The value PySide6 gives a module that uses it and selects no feature.
NO_FEATURE = 0


class _NoFeatureFinder:
    """A meta-path finder that finds nothing: it only registers the name being imported."""

    def __init__(self, register: MutableMapping[str, int]) -> None:
        self.register = register

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.register.setdefault(fullname, NO_FEATURE)
        return None


def skip_source_scan() -> bool:
    """Install the finder once PySide6 is loaded; True when it is (or already was) installed."""
    if any(isinstance(f, _NoFeatureFinder) for f in sys.meta_path):
        return True
    feature = sys.modules.get("PySide6.support.feature") or sys.modules.get(
        "shibokensupport.feature"
    )
    register = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(register, MutableMapping):
        return False
    # The modules loaded already (the standard library a start-up script imported before
    # Qt, this package) would be read the first time an import statement names them.
    for name in list(sys.modules):
        register.setdefault(name, NO_FEATURE)
    sys.meta_path.insert(0, _NoFeatureFinder(register))
    return True
