"""PySide6 6.12.0 on Python 3.11 aborts with "Fatal Python error: none_dealloc" after a few
thousand calls of Qt methods that return nothing. Run the reproducer in a subprocess so
that an upgrade that brings the bug back fails CI instead of killing the test session."""

import subprocess
import sys

CODE = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
for _ in range(60_000):
    w.resize(9, 9)
print("survived")
"""


def test_void_qt_calls_do_not_abort() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout


def test_pyside_version_is_pinned_below_6_12() -> None:
    import PySide6

    major, minor = (int(p) for p in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12)
