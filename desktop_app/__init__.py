"""Account Desk: an offline book-of-business review tool for B2B account managers."""

import sys as _sys

__version__ = "0.1.0"
APP_ID = "io.accountdesk.AccountDesk"
APP_NAME = "Account Desk"
ORG = "Account Desk"

if "PySide6" in _sys.modules:  # a GUI process that loaded Qt first: see pyside_scan.py
    from desktop_app.pyside_scan import skip_source_scan

    skip_source_scan()
