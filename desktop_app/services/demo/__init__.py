"""The built-in demo book: a seeded, deterministic population, its activity and rows.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.services.demo.book import create_demo_store as create_demo_store
    from desktop_app.services.demo.book import generate_demo as generate_demo

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "create_demo_store": "book",
    "generate_demo": "book",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    sub = _WHERE.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
