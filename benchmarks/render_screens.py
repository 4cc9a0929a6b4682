"""Render every main screen and dialog to PNG: two screen sizes, light and dark, two books.

    .venv/bin/python benchmarks/render_screens.py OUT_DIR [--sizes 1280x800 1920x1080]
        [--themes light dark] [--books demo imported] [--readme resources/screenshot.png]

Each size runs in its own process on Qt's offscreen platform with a screen of that size
(``offscreen:configfile=``), so windows are sized as on that screen. The "imported" book is
built from exports shaped like real ones (title blocks, grouped owners, footers, contacts
without reply dates, shared mailboxes: ``tests/realistic_exports.py``), imported and scored
through the services. Files are named ``<book>-<size>-<theme>-<screen>.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 24)


def _screen_config(width: int, height: int) -> Path:
    path = Path(tempfile.mkdtemp()) / "screen.json"
    path.write_text(
        json.dumps({
            "synchronousWindowSystemEvents": False,
            "windowFrameMargins": False,
            "screens": [{"name": "Screen", "x": 0, "y": 0, "width": width, "height": height,
                         "logicalDpi": 96, "logicalBpi": 96, "dpr": 1}],
        })
    )  # fmt: skip
    return path


def build_book(kind: str, folder: Path) -> Any:
    """A scored store: the demo book, or one imported from realistic exports."""
    from desktop_app.services.database import open_database
    from desktop_app.services.demo.book import generate_demo
    from desktop_app.services.health.scoring import rescore
    from desktop_app.services.importing.batch import import_files

    store = open_database(folder / f"{kind}.db")
    if kind == "demo":
        generate_demo(store, 300, seed=7, today=TODAY)
    else:
        sys.path.insert(0, str(ROOT))
        from tests.realistic_exports import write_realistic_exports

        files = write_realistic_exports(folder / "exports")
        import_files(store, [str(f) for f in files], today=TODAY)
    rescore(store, as_of=TODAY)
    return store


def _settle(app: Any, ms: int = 300) -> None:
    """Let the screen paint for ``ms``, and until its reads on workers have arrived (views
    read on workers: a picture taken earlier shows their loading state), at most 10 s."""
    from desktop_app.ui import workers

    start = time.monotonic()
    end = start + ms / 1000
    while time.monotonic() < end or (workers.active_threads() and time.monotonic() < start + 10):
        app.processEvents()
        time.sleep(0.01)


def _dialogs(window: Any, store: Any) -> dict[str, Callable[[], Any]]:
    from desktop_app.ui.dialogs.import_history import ImportHistoryDialog
    from desktop_app.ui.dialogs.import_wizard import ImportWizard
    from desktop_app.ui.dialogs.overrides_list import OverridesListDialog
    from desktop_app.ui.dialogs.retention_view import RetentionView
    from desktop_app.ui.dialogs.review_dialog import ReviewDialog
    from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor
    from desktop_app.ui.dialogs.team_view import TeamView
    from desktop_app.ui.dialogs.transition_wizard import TransitionWizard
    from desktop_app.ui.dialogs.validation_view import ValidationView
    from desktop_app.ui.dialogs.worklist_view import WorklistView

    ids = [int(i) for i in window.book.account_id[:3]]

    def transition(page: int) -> Callable[[], Any]:
        def make() -> Any:
            wizard = TransitionWizard(store, ids, window, today=TODAY)
            wizard.show()
            if page >= 1:
                wizard.next()
                combo = wizard.receivers_page.receiver_combo
                owners = set(wizard.accounts_page.owners().values())
                for i in range(combo.count()):
                    if combo.itemText(i) not in owners:
                        combo.setCurrentIndex(i)
                        break
            for _ in range(page - 1):
                wizard.next()
            return wizard

        return make

    def import_preview() -> Any:
        from PySide6.QtWidgets import QApplication

        sys.path.insert(0, str(ROOT))
        from tests.realistic_exports import write_realistic_exports

        files = write_realistic_exports(Path(tempfile.mkdtemp()) / "exports")
        bad = files[0].parent / "Pipeline (truncated).xlsx"
        bad.write_bytes(b"PK\x03\x04 truncated")
        wizard = ImportWizard(store, [str(f) for f in [*files, bad]], window)
        wizard.show()
        wizard.next()
        end = time.monotonic() + 30
        while wizard.preview_page.reading() and time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.01)
        return wizard

    return {
        "import-preview": import_preview,
        "team": lambda: TeamView(store, window, today=TODAY),
        "worklist": lambda: WorklistView(store, window, today=TODAY),
        "retention": lambda: RetentionView(store, window, today=TODAY),
        "validation": lambda: ValidationView(store, window),
        "scorecard": lambda: ScorecardEditor(store, window),
        "review": lambda: ReviewDialog(store, window),
        "overrides": lambda: OverridesListDialog(store, window),
        "import-history": lambda: ImportHistoryDialog(store, window),
        "import-wizard": lambda: ImportWizard(store, None, window),
        "transition-1": transition(0),
        "transition-2": transition(1),
        "transition-3": transition(2),
        "transition-4": transition(3),
    }


def render_child(args: argparse.Namespace) -> int:
    """One process: one screen size; every theme and book; the PNGs into ``args.out``."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings
    from desktop_app.ui.theme import apply_scheme

    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="render-"))
    out: Path = args.out
    size = args.size
    written = []
    empty = open_database(work / "empty.db")
    for book_kind in args.books:
        store = build_book(book_kind, work)
        for theme_name in args.themes:
            apply_scheme(app, theme_name == "dark")
            prefix = f"{book_kind}-{size}-{theme_name}"
            window = MainWindow(store, Settings(work / f"{prefix}.ini"), today=TODAY)
            window.show()
            done: list[int] = []
            window.bookLoaded.connect(lambda done=done: done.append(1))
            while not done or not window.docks.created:
                app.processEvents()
            window.showMaximized()
            book = window.book
            score = np.where(np.isnan(book.health_score), 101, book.health_score)
            pick = int(np.argmin(score - book.arr / max(float(np.nanmax(book.arr)), 1) * 30))
            window.select_accounts(np.array([book.account_id[pick]]))
            _settle(app, 600)
            path = out / f"{prefix}-main.png"
            window.grab().save(str(path))
            written.append(path)
            # A filter (one owner), then back to the whole book: the chart swaps its clouds.
            from desktop_app.services.book import BookFilter

            owner = str(book.owner[pick])
            for name, spec in (("filtered", BookFilter(owners=(owner,))), ("unfiltered", None)):
                window.filter_bar.apply(spec or BookFilter())
                _settle(app, 400)
                path = out / f"{prefix}-main-{name}.png"
                window.grab().save(str(path))
                written.append(path)
            for name, make in _dialogs(window, store).items():
                dialog = make()
                dialog.show()
                _settle(app, 500)
                path = out / f"{prefix}-{name}.png"
                dialog.grab().save(str(path))
                written.append(path)
                dialog.close()
                dialog.deleteLater()
            window.close()
            window.deleteLater()
            _settle(app, 100)
            if book_kind == args.books[0]:
                window = MainWindow(empty, Settings(work / f"{prefix}-e.ini"), today=TODAY)
                window.showMaximized()
                _settle(app, 600)
                path = out / f"empty-{size}-{theme_name}-main.png"
                window.grab().save(str(path))
                written.append(path)
                window.close()
                window.deleteLater()
        store.dispose()
    empty.dispose()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10000)
    print(f"{size}: wrote {len(written)} pictures")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", nargs="+", action="extend", default=[])
    parser.add_argument("--themes", nargs="+", action="extend", default=[])
    parser.add_argument("--books", nargs="+", action="extend", default=[])
    parser.add_argument("--readme", type=Path, help="copy the 1280x800 light demo main here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = args.sizes or ["1280x800", "1920x1080"]
    args.themes = args.themes or ["light", "dark"]
    args.books = args.books or ["demo", "imported"]
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return render_child(args)
    for size in args.sizes:
        width, height = (int(v) for v in size.split("x"))
        env = dict(os.environ)
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen_config(width, height)}"
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        cmd = [sys.executable, __file__, str(args.out), "--child", "--size", size,
               "--themes", *args.themes, "--books", *args.books]  # fmt: skip
        subprocess.run(cmd, env=env, check=True)
    if args.readme is not None:
        source = args.out / "demo-1280x800-light-main.png"
        if source.exists():
            args.readme.write_bytes(source.read_bytes())
            print(f"README screenshot: {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
