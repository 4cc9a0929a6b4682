"""Render the main window offscreen to PNG (README screenshot and visual review).

QT_QPA_PLATFORM=offscreen python benchmarks/screenshots.py OUT_DIR [--accounts N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--accounts", type=int, default=300)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["ACCOUNT_DESK_CONFIG_DIR"] = tempfile.mkdtemp()

    import numpy as np
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.demo.book import create_demo_store
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings, default_settings_path

    app = QApplication(sys.argv[:1])
    store = create_demo_store(Path(tempfile.mkdtemp()), args.accounts)
    window = MainWindow(store, Settings(default_settings_path()), demo=True)
    window.resize(1600, 1000)
    window.show()
    done = []
    window.bookLoaded.connect(lambda: done.append(1))
    while not done or not window.docks.created:
        app.processEvents()
    # Select the riskiest high-ARR account so the detail pane has a story to tell.
    book = window.book
    score = np.where(np.isnan(book.health_score), 101, book.health_score)
    pick = int(np.argmin(score - book.arr / max(np.nanmax(book.arr), 1) * 30))
    window.select_accounts(np.array([book.account_id[pick]]))
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(args.out / "main_window.png"))
    window.docks.scatter.grab().save(str(args.out / "scatter.png"))
    window.docks.detail.grab().save(str(args.out / "detail.png"))
    window.close()
    store.dispose()
    print(f"wrote {args.out}/main_window.png, scatter.png, detail.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
