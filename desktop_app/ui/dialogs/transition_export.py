"""The wizard's last page: a preview of the SOP sheet as exported, then export and hand over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from desktop_app.services.transitions import (
    MISSING_RGB,
    SHEET_LIST,
    TRANSITION_COLUMNS,
    MissingValue,
    TransitionRow,
)
from desktop_app.ui import theme

if TYPE_CHECKING:
    from desktop_app.ui.dialogs.transition_wizard import TransitionWizard

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
#: The file's highlight (ARGB "FFFFC7CE") as a Qt colour.
MISSING_COLOUR = QColor(f"#{MISSING_RGB[2:]}")
_MISSING_BRUSH = QBrush(MISSING_COLOUR)
_MRR_COLUMN = TRANSITION_COLUMNS.index("MRR")
MAX_LISTED_MISSING = 6


def _cell_text(value: str | float | None, column: int) -> str:
    if value is None:
        return ""
    if column == _MRR_COLUMN and isinstance(value, int | float):
        return f"${value:,.2f}"
    return str(value)


class ExportPreviewModel(QAbstractTableModel):
    """The "List of Accounts to Transition" sheet: the SOP's 10 columns, one row per account.

    Missing required cells get the file's highlight colour as their background.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str | float | None, ...]] = []
        self._missing: set[tuple[int, int]] = set()

    def set_rows(self, rows: Sequence[TransitionRow], missing: Sequence[MissingValue]) -> None:
        self.beginResetModel()
        self._rows = [r.values() for r in rows]
        self._missing = {(m.row, TRANSITION_COLUMNS.index(m.field)) for m in missing}
        self.endResetModel()

    def is_missing(self, row: int, column: int) -> bool:
        return (row, column) in self._missing

    # ------------------------------------------------------------ Qt overrides
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(TRANSITION_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return TRANSITION_COLUMNS[section] if 0 <= section < len(TRANSITION_COLUMNS) else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return TRANSITION_COLUMNS[section] if 0 <= section < len(TRANSITION_COLUMNS) else None
        return section + 2  # the spreadsheet row number (row 1 is the header)

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, c = index.row(), index.column()
        missing = (r, c) in self._missing
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(self._rows[r][c], c)
        if role == Qt.ItemDataRole.BackgroundRole and missing:
            return _MISSING_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            text = _cell_text(self._rows[r][c], c)
            return f"Missing: {TRANSITION_COLUMNS[c]}" if missing else text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and c == _MRR_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def fit_widths(wanted: Sequence[int], available: int, floor: int = 48) -> list[int]:
    """Column widths within ``available`` pixels: the widest are capped at one common width.

    Narrow columns keep their width; when even ``floor`` per column does not fit, every
    column gets at least ``floor`` (the view scrolls sideways).
    """
    if sum(wanted) <= available or not wanted:
        return list(wanted)
    lo, hi = floor, max(wanted)
    while lo < hi:  # the largest cap whose total still fits
        mid = (lo + hi + 1) // 2
        if sum(min(w, mid) for w in wanted) <= available:
            lo = mid
        else:
            hi = mid - 1
    return [min(w, lo) for w in wanted]


def missing_summary(missing: Sequence[MissingValue], limit: int = MAX_LISTED_MISSING) -> str:
    """One compact line: the count, then the first few "account: field" pairs."""
    if not missing:
        return "No missing required values: the list is complete."
    pairs = [f"{m.account}: {m.field}" for m in missing[:limit]]
    more = f"; … and {len(missing) - limit} more" if len(missing) > limit else ""
    noun = "value" if len(missing) == 1 else "values"
    return f"{len(missing)} missing required {noun} (highlighted): " + "; ".join(pairs) + more


class FittingTableView(QTableView):
    """A table whose columns always fit its width: the widest are narrowed and elided."""

    def fit_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        wanted = [header.sectionSize(c) for c in range(model.columnCount())]
        for c, width in enumerate(fit_widths(wanted, self.viewport().width() - 2)):
            header.resizeSection(c, width)

    # ------------------------------------------------------------ Qt overrides
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()


class FinishPage(QWizardPage):
    """Missing values and the sheet preview, export (.xlsx/.csv), brief PDF, mark done / undo."""

    def __init__(self, wizard: TransitionWizard):
        super().__init__(wizard)
        self.setTitle("Export and hand over")
        self.missing_label = QLabel(self)
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_model = ExportPreviewModel(self)
        self.preview_view = FittingTableView(self)
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setWordWrap(False)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.preview_view.horizontalHeader().setStretchLastSection(True)
        self.preview_view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.preview_view.verticalHeader().setToolTip("Row in the spreadsheet")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("Export list (.xlsx)…", self)
        self.csv_button = QPushButton("Export list (.csv)…", self)
        self.brief_button = QPushButton("Handoff brief (PDF)…", self)
        self.done_button = QPushButton("Hand over (change owners now)", self)
        self.done_button.setToolTip(
            "Make the receiving CSMs the owners of these accounts in the book. "
            "You can undo it until you confirm."
        )
        self.undo_button = QPushButton("Undo hand-over", self)
        self.confirm_button = QPushButton("Confirm hand-over (final)", self)
        self.help_label = QLabel(
            "Everything on these pages is saved as you go. <b>Close</b> keeps the transition "
            "as it is (resume it with Accounts ▸ Resume transition…); <b>Hand over</b> changes the "
            "owners in the book.",
            self,
        )
        self.help_label.setWordWrap(True)
        self.export_button.clicked.connect(lambda: wizard.ask_export("xlsx"))
        self.csv_button.clicked.connect(lambda: wizard.ask_export("csv"))
        self.brief_button.clicked.connect(wizard.ask_brief)
        self.done_button.clicked.connect(wizard.mark_done)
        self.undo_button.clicked.connect(wizard.undo_done)
        self.confirm_button.clicked.connect(wizard.confirm)
        buttons = QHBoxLayout()
        for b in (
            self.export_button,
            self.csv_button,
            self.brief_button,
            self.done_button,
            self.undo_button,
            self.confirm_button,
        ):
            buttons.addWidget(b)
        caption = QLabel(
            f"<b>{SHEET_LIST}</b> — the first sheet of the export, as it will be written:", self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.preview_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.help_label)
        layout.addWidget(self.status_label)

    def show_rows(self, rows: Sequence[TransitionRow], missing: Sequence[MissingValue]) -> None:
        """Preview ``rows`` with ``missing`` highlighted and summarised above the table."""
        self.preview_model.set_rows(rows, missing)
        self.preview_view.fit_columns()
        self.missing_label.setText(missing_summary(missing))
        colour = (theme.warn_colour() if missing else theme.good_colour()).name()
        self.missing_label.setStyleSheet(f"color: {colour};")
        self.missing_label.setToolTip(
            "\n".join(f"{m.account}: {m.field}" for m in missing) if missing else ""
        )
