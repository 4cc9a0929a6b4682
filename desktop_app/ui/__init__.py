"""PySide6 and pyqtgraph live only here (and in desktop_app/app.py)."""
