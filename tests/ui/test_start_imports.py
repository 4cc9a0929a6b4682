"""What opening the window on an up-to-date book loads, counted in a fresh interpreter.

Until the chart is painted the GUI needs neither pandas, openpyxl nor Alembic (the schema
check is one query when the book is current), nor the ORM (the book and the NPS are read
through the light Core tables); and PySide6 must not have read the sources
of the modules imported after it (``desktop_app.pyside_scan``: ~30 MB of kept lines).
Modules and cached files, not seconds or megabytes: those are ``benchmarks/startup.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

PROBE = textwrap.dedent(
    """
    import json, linecache, sys
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings

    store = open_database(sys.argv[1])
    window = MainWindow(store, Settings(Path(sys.argv[2]) / "s.ini"))
    window.show()
    from PySide6.QtCore import QThreadPool

    for _ in range(3):  # the loading workers, then the views, then the indexes
        QThreadPool.globalInstance().waitForDone(60000)
        app.processEvents()
    print(json.dumps({
        "accounts": len(window.state.book),
        "modules": sorted(sys.modules),
        "sources": sorted(name for name, entry in linecache.cache.items() if len(entry) == 4),
    }))
    window.close()
    store.dispose()
    """
)

#: The ORM and its mapped schema load with the first account shown or the first edit;
#: ``numpy.ma`` (~30 ms) with a first ``np.unique`` or ``np.median``, which opening avoids.
NOT_AT_START = ("pandas", "openpyxl", "python_calamine", "alembic", "scipy", "sklearn",
                "sqlalchemy.orm", "desktop_app.store.schema", "numpy.ma")  # fmt: skip


def _open_window(demo_path: Path, tmp_path: Path, probe: str = PROBE) -> dict[str, Any]:
    """What ``probe`` printed last (JSON), run in a fresh offscreen interpreter."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe, str(demo_path), str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def test_opening_the_window_loads_no_dataframes_spreadsheets_or_migrations(
    demo_path: Path, tmp_path: Path
) -> None:
    data = _open_window(demo_path, tmp_path)
    assert data["accounts"] == 300
    modules = data["modules"]
    assert isinstance(modules, list)
    assert "pyqtgraph" in modules  # the chart is there
    loaded = sorted({n for n in NOT_AT_START for m in modules if m == n or m.startswith(n + ".")})
    assert loaded == []
    sources = data["sources"]
    assert isinstance(sources, list)
    # Files read from disk (SQLAlchemy also registers its generated code, not files); the
    # package's __init__ and the finder's module are read before the finder exists.
    first = ("desktop_app/__init__.py", "desktop_app/pyside_scan.py")
    files = [s for s in sources if s.endswith(".py") and not s.endswith(first)]
    read = [s for s in files if "/sqlalchemy/" in s or "/pyqtgraph/" in s or "/desktop_app/" in s]
    assert read == [], read[:5]
    # Nor the modules loaded before Qt (the probe's own json and pathlib), which PySide6
    # read the first time a later import statement named them.
    before_qt = [s for s in files if s.endswith(("/json/__init__.py", "/pathlib.py"))]
    assert before_qt == [], before_qt


PROBE_CHART = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings

    store = open_database(sys.argv[1])
    window = MainWindow(store, Settings(Path(sys.argv[2]) / "s.ini"))
    seen = {}

    def shown():
        seen.setdefault("points", len(window.docks.scatter.plotted_ids()))
        seen.setdefault("modules", sorted(sys.modules))

    window.docks.chartCreated.connect(lambda: window.docks.scatter.pointsShown.connect(shown))
    window.docks.viewsCreated.connect(app.quit)
    QTimer.singleShot(60000, app.quit)
    window.show()
    app.exec()
    seen["pane"] = window.docks.detail is not None
    print(json.dumps(seen))
    window.close()
    QThreadPool.globalInstance().waitForDone(60000)
    store.dispose()
    """
)

#: Modules the first screen (the table and the chart) does not use: the pane's, imported
#: on a worker once the chart shows the book, and the scoring modules.
NOT_BEFORE_THE_CHART = ("desktop_app.ui.views.detail_pane", "desktop_app.ui.views.detail_columns",
                        "desktop_app.domain.health", "desktop_app.domain.scorecard")  # fmt: skip


def test_the_pane_and_the_scoring_modules_load_after_the_chart_shows_the_book(
    demo_path: Path, tmp_path: Path
) -> None:
    data = _open_window(demo_path, tmp_path, PROBE_CHART)
    assert data["points"] == 300  # the chart showed the whole book...
    modules = data["modules"]
    assert "desktop_app.ui.views.scatter" in modules
    assert [m for m in NOT_BEFORE_THE_CHART if m in modules] == []  # ...without these
    assert data["pane"]  # and the pane followed
