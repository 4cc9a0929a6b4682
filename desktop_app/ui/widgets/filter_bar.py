"""The filter bar shared by the account table and the portfolio chart."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.services.book import BookFilter

RENEWAL_WINDOWS = (0, 30, 60, 90, 180)


class _FilterCombo(QComboBox):
    """A combo whose preferred width shows its first ("All …") entry in full."""

    # ------------------------------------------------------------ Qt overrides
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        text = self.itemText(0) if self.count() else ""
        current = self.currentText()
        wanted = max(self.fontMetrics().horizontalAdvance(t) for t in (text, current))
        # The text plus the frame and the arrow, as QComboBox computes them for its minimum.
        extra = super().minimumSizeHint().width() - self.fontMetrics().horizontalAdvance("x" * 5)
        return QSize(max(hint.width(), wanted + extra + 4), hint.height())


class FilterBar(QWidget):
    """Search box and filter combos; emits ``filterChanged(BookFilter)`` (debounced text)."""

    filterChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search name, id, owner…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(110)
        self.owner = self._combo("owner", "Owner (CSM)", "All owners")
        self.team_lead = self._combo("team_lead", "Team lead", "All leads")
        self.segment = self._combo("segment", "Segment", "All segments")
        self.band = self._combo("band", "Health band", "All bands")
        self.band.addItems([b.value for b in BAND_ORDER])
        self.renewal = self._combo("renewal", "Renewal window", "Any renewal")
        for days in RENEWAL_WINDOWS[1:]:
            self.renewal.addItem(f"Renews ≤ {days} days", days)
        self.lifecycle = self._combo("lifecycle", "Lifecycle", "Any status")
        self.lifecycle.addItem("Active", "active")
        self.lifecycle.addItem("Churned", "churned")
        self.clear = QToolButton(self)
        # Short, so that the six filters keep their full text beside the pane at 1280 px.
        self.clear.setText("Clear")
        self.clear.setToolTip("Clear filters (Ctrl+Shift+L)")
        self.clear.clicked.connect(self.reset)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(4)
        layout.addWidget(self.search, 1)
        # The "All …" entry names each combo, so no separate labels eat the width.
        for combo in self.combos:
            layout.addWidget(combo, 1)
        layout.addWidget(self.clear)

        self._wanted = BookFilter()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in self.combos:
            combo.currentIndexChanged.connect(lambda _i: self._emit())

    @property
    def combos(self) -> tuple[QComboBox, ...]:
        return (self.owner, self.team_lead, self.segment, self.band, self.renewal, self.lifecycle)

    def _combo(self, name: str, tip: str, all_text: str) -> QComboBox:
        combo = _FilterCombo(self)
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        combo.addItem(all_text, None)
        # Shrinkable, so that the window fits a 1366-pixel laptop screen beside the pane.
        # Shrinkable, so that the window fits a small screen beside the pane; it asks for the
        # width of its "All …" text, so a 1280-pixel screen never shows a cut "All team le".
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(5)
        return combo

    def set_choices(self, owners: list[str], team_leads: list[str], segments: list[str]) -> None:
        """Refill the owner/TL/segment combos, keeping the current choice when still there."""
        wanted = self._wanted
        for combo, values, pending in (
            (self.owner, owners, wanted.owners),
            (self.team_lead, team_leads, wanted.team_leads),
            (self.segment, segments, wanted.segments),
        ):
            current = combo.currentData()
            all_text = combo.itemText(0)
            if current is None and pending:
                current = pending[0]  # restored before the book (and its owners) arrived
            with QSignalBlocker(combo):
                combo.clear()
                combo.addItem(all_text, None)
                for v in values:
                    combo.addItem(v, v)
                i = combo.findData(current) if current is not None else 0
                combo.setCurrentIndex(max(i, 0))
        if owners or team_leads or segments:
            self._wanted = BookFilter()

    def current(self) -> BookFilter:
        def one(combo: QComboBox) -> tuple[str, ...]:
            v = combo.currentData()
            if v is None and combo.count() <= 1:
                # Choices not loaded yet: what was restored still applies.
                pending = {
                    self.owner: self._wanted.owners,
                    self.team_lead: self._wanted.team_leads,
                    self.segment: self._wanted.segments,
                }.get(combo, ())
                return tuple(pending)
            if v is None and combo is self.band and combo.currentIndex() > 0:
                v = combo.currentText()
            return (str(v),) if v is not None else ()

        renewal = self.renewal.currentData()
        return BookFilter(
            text=self.search.text(),
            owners=one(self.owner),
            team_leads=one(self.team_lead),
            segments=one(self.segment),
            bands=one(self.band),
            renewal_within_days=int(renewal) if renewal else None,
            lifecycle=self.lifecycle.currentData(),
        )

    def apply(self, spec: BookFilter) -> None:
        """Show ``spec`` in the widgets (restoring persisted filters), then emit once."""
        widgets = (self.search, *self.combos)
        self._wanted = spec
        blockers = [QSignalBlocker(w) for w in widgets]
        self.search.setText(spec.text)
        for combo, values in (
            (self.owner, spec.owners),
            (self.team_lead, spec.team_leads),
            (self.segment, spec.segments),
        ):
            combo.setCurrentIndex(max(combo.findData(values[0]), 0) if values else 0)
        self.band.setCurrentIndex(max(self.band.findText(spec.bands[0]), 0) if spec.bands else 0)
        self.renewal.setCurrentIndex(
            max(self.renewal.findData(spec.renewal_within_days), 0)
            if spec.renewal_within_days
            else 0
        )
        self.lifecycle.setCurrentIndex(
            max(self.lifecycle.findData(spec.lifecycle), 0) if spec.lifecycle else 0
        )
        del blockers
        self._emit()

    def reset(self) -> None:
        self.apply(BookFilter())

    def flush(self) -> None:
        """Emit now if a debounced text change is pending (tests, Enter key)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit()

    def _emit(self) -> None:
        self.filterChanged.emit(self.current())

    # ------------------------------------------------------------------ Qt overrides
    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape and self.search.hasFocus():
            self.search.clear()
            return
        super().keyPressEvent(event)
