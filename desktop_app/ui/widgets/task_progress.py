"""A status-bar progress indicator with Cancel for long background work (rescoring...)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from desktop_app.ui.workers import Worker


class TaskProgress(QWidget):
    """Shows the running task's message and progress; Cancel asks the worker to stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop this task; nothing it started is kept")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._worker: Worker | None = None
        self.cancel_button.clicked.connect(self.cancel)
        self.hide()

    @property
    def worker(self) -> Worker | None:
        return self._worker

    def track(self, worker: Worker, title: str) -> None:
        """Follow ``worker`` until it finishes, fails or is cancelled."""
        self._worker = worker
        self.label.setText(title)
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        worker.signals.progress.connect(self._progress)
        for signal in (worker.signals.finished, worker.signals.failed):
            signal.connect(lambda *_a, w=worker: self._done(w))
        worker.signals.cancelled.connect(lambda w=worker: self._done(w))
        self.show()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.label.setText(message)

    def _done(self, worker: Worker) -> None:
        if worker is self._worker:
            self._worker = None
            self.hide()
