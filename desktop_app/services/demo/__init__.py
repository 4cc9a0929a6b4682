"""The built-in demo book: a seeded, deterministic population, its activity and rows.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.demo.book import create_demo_store as create_demo_store
    from desktop_app.services.demo.book import generate_demo as generate_demo

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "create_demo_store": "book",
    "generate_demo": "book",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
