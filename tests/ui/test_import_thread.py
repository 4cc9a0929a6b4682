"""pyqtgraph is imported on the GUI thread: its import creates PySide6 enum and type objects,
which shiboken does not guard against the GUI thread doing the same at that moment (a worker
importing it crashed a profiled start). The chart's own modules may still load on a worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path

    seen = {}

    class Watch:
        def find_spec(self, name, path=None, target=None):
            if name == "pyqtgraph" and name not in seen:
                seen[name] = threading.current_thread() is threading.main_thread()
            return None

    sys.meta_path.insert(0, Watch())
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings

    tmp = Path(sys.argv[1])
    store = open_database(tmp / "book.db")
    window = MainWindow(store, Settings(tmp / "s.ini"))
    window.show()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(60000)  # the views' import has run by now
    app.processEvents()
    print(seen.get("pyqtgraph"))
    """
)


def test_pyqtgraph_is_imported_on_the_gui_thread(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "True"
