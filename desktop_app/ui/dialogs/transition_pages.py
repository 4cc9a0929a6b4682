"""The first two pages of the transition wizard: accounts, then receivers and workload.

Nothing here reads the database on the GUI thread: the accounts come from the window's
book (or one read on a worker), the CSM names from the wizard's read, and the workload
preview and warnings from a worker (the latest choice wins).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from desktop_app.domain.book import BookColumns
from desktop_app.services.database import Store
from desktop_app.services.transitions import (
    ReceiverLoad,
    spread_by_arr,
    transition_warnings,
    workload_preview,
)
from desktop_app.ui.dialogs.transition_models import TupleModel, WorkloadModel
from desktop_app.ui.formatting import money
from desktop_app.ui.workers import ReportLoader


def preview(
    store: Store,
    account_ids: list[int],
    assignments: dict[int, str],
    capacity: int | None,
    today: date,
) -> tuple[list[ReceiverLoad], list[str]]:
    """On a worker: the receivers' workload before and after, and the warnings."""
    loads = workload_preview(store, account_ids, assignments, capacity, today)
    return loads, transition_warnings(store, account_ids, assignments, capacity, today)


def _table(parent: Any, model: Any) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


def fit_columns(view: QTableView, stretch: tuple[int, ...] = (0,), *, wrap: bool = False) -> None:
    """Columns ``stretch`` share the spare width, the others fit their contents.

    Without ``wrap`` every row is one line (long text elides, full text in the tooltip);
    with it, rows grow to show wrapped text in full.
    """
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(wrap)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    if wrap:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class AccountsPage(QWizardPage):
    """Pick the accounts: the pre-selected ids, or every active account of a CSM."""

    def __init__(self, account_ids: list[int], today: date, parent: Any = None):
        super().__init__(parent)
        self.setTitle("Accounts to transition")
        self._book: BookColumns | None = None  # set_book: the window's, or read by the wizard
        self.account_ids: list[int] = []
        self.owner_combo = QComboBox(self)
        self.owner_combo.setPlaceholderText("Reading the CSMs…")
        self.add_owner_button = QPushButton("Add all accounts of this CSM", self)
        self.add_owner_button.clicked.connect(self._add_owner)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(lambda: self.set_accounts([]))
        self.model = TupleModel(("Account", "Owner", "Band", "ARR"), self, right=(3,))
        self.count_label = QLabel(self)
        self.name_edit = QLineEdit(f"Transition {today.isoformat()}", self)
        self.lead_edit = QLineEdit(self)
        self.reason_edit = QLineEdit(self)
        row = QHBoxLayout()
        row.addWidget(self.owner_combo, 1)
        row.addWidget(self.add_owner_button)
        row.addWidget(self.clear_button)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Team lead", self.lead_edit)
        form.addRow("Reason", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        self.view = _table(self, self.model)
        fit_columns(self.view, (0,))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(form)
        self.add_owner_button.setEnabled(False)
        self.set_accounts(account_ids)

    def set_book(self, book: BookColumns) -> None:
        """The accounts to pick from (the window's book, or the wizard's read of it)."""
        self._book = book
        self.set_accounts(self.account_ids)

    def set_csms(self, names: list[str]) -> None:
        self.owner_combo.addItems(names)
        # The placeholder shows while no CSM is chosen: it must stop saying "Reading…".
        self.owner_combo.setPlaceholderText(
            "Choose a CSM to add all their accounts…" if names else "No CSMs in this book"
        )
        self.add_owner_button.setEnabled(bool(names))

    def loaded(self) -> bool:
        return self._book is not None

    def set_accounts(self, ids: list[int]) -> None:
        self.account_ids = list(dict.fromkeys(int(a) for a in ids))
        book = self._book
        if book is None:
            self.count_label.setText(f"{len(self.account_ids)} accounts selected; reading them…")
            self.completeChanged.emit()
            return
        band = book.band  # computed once, not once per account
        rows = []
        for aid in self.account_ids:
            i = book.index_of(aid)
            if i is None:
                continue
            rows.append(
                (book.name[i], book.owner[i] or "-", band[i] or "Undefined", money(book.arr[i]))
            )
        self.model.set_rows(rows)
        self.count_label.setText(f"{len(self.account_ids)} accounts selected")
        self.completeChanged.emit()

    def owners(self) -> dict[int, str | None]:
        """The current owner of each chosen account."""
        out: dict[int, str | None] = {}
        for aid in self.account_ids:
            i = None if self._book is None else self._book.index_of(aid)
            out[aid] = None if i is None or self._book is None else self._book.owner[i]
        return out

    def arr(self) -> dict[int, float]:
        """The ARR of each chosen account (what a spread balances)."""
        out: dict[int, float] = {}
        for aid in self.account_ids:
            i = None if self._book is None else self._book.index_of(aid)
            value = 0.0 if i is None or self._book is None else float(self._book.arr[i])
            out[aid] = value if value == value else 0.0  # NaN: no ARR known
        return out

    def _add_owner(self) -> None:
        if self._book is None:
            return
        owner = self.owner_combo.currentText().lower()
        mask = [
            int(a)
            for a, o, lc in zip(
                self._book.account_id, self._book.owner, self._book.lifecycle, strict=True
            )
            if o is not None and str(o).lower() == owner and lc == "active"
        ]
        self.set_accounts(self.account_ids + mask)

    # ------------------------------------------------------------ Qt overrides
    def isComplete(self) -> bool:
        return bool(self.account_ids) and self._book is not None


class ReceiversPage(QWizardPage):
    """One receiving CSM, or a spread over several, with the workload preview."""

    def __init__(self, store: Store, today: date, parent: Any = None):
        super().__init__(parent)
        self.setTitle("Receiving CSM and workload")
        self._store, self._today = store, today
        self.account_ids: list[int] = []
        #: The current owner of each account (set by the wizard), to spot a do-nothing move.
        self.owners: dict[int, str | None] = {}
        #: The ARR of each account (set by the wizard): a spread balances it.
        self.arr: dict[int, float] = {}
        self._preview = ReportLoader(self.warnings_text_set, self._previewed)
        self._staying_note = ""
        self.single_radio = QRadioButton("One receiving CSM", self)
        self.spread_radio = QRadioButton("Spread over several CSMs", self)
        self.single_radio.setChecked(True)
        self.receiver_combo = QComboBox(self)
        # Nobody is preselected: the first name is often the current owner ("36 → 36").
        self.receiver_combo.setPlaceholderText("Choose the receiving CSM…")
        self.receiver_combo.setCurrentIndex(-1)
        self.spread_list = QListWidget(self)
        self.capacity_spin = QSpinBox(self)
        self.capacity_spin.setRange(0, 10_000)
        self.capacity_spin.setSpecialValueText("each CSM's own")
        self.workload = WorkloadModel(self)
        self.warnings_text = QPlainTextEdit(self)
        self.warnings_text.setReadOnly(True)
        form = QFormLayout()
        form.addRow(self.single_radio, self.receiver_combo)
        form.addRow(self.spread_radio, self.spread_list)
        form.addRow("Capacity (accounts)", self.capacity_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Workload before → after", self))
        self.workload_view = _table(self, self.workload)
        fit_columns(self.workload_view, (4,))
        layout.addWidget(self.workload_view, 1)
        layout.addWidget(QLabel("Warnings", self))
        layout.addWidget(self.warnings_text, 1)
        for signal in (
            self.single_radio.toggled,
            self.receiver_combo.currentTextChanged,
            self.capacity_spin.valueChanged,
            self.spread_list.itemChanged,
        ):
            signal.connect(self.refresh)

    def set_csms(self, names: list[str]) -> None:
        """The CSMs to choose from (read once by the wizard)."""
        self.receiver_combo.blockSignals(True)
        self.receiver_combo.addItems(names)
        self.receiver_combo.setCurrentIndex(-1)
        self.receiver_combo.blockSignals(False)
        self.spread_list.blockSignals(True)
        for n in names:
            item = QListWidgetItem(n, self.spread_list)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.spread_list.blockSignals(False)

    def warnings_text_set(self, text: str) -> None:
        self.warnings_text.setPlainText(text)

    def loading(self) -> bool:
        """The workload preview is being computed."""
        return self._preview.busy()

    def spread_receivers(self) -> list[str]:
        return [
            self.spread_list.item(i).text()
            for i in range(self.spread_list.count())
            if self.spread_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def assignments(self) -> dict[int, str]:
        """The receiving CSM of every account, as chosen on this page."""
        if self.single_radio.isChecked():
            if self.receiver_combo.currentIndex() < 0:
                return {}
            return dict.fromkeys(self.account_ids, self.receiver_combo.currentText())
        receivers = self.spread_receivers()
        if not receivers:
            return {}
        return spread_by_arr({a: self.arr.get(a, 0.0) for a in self.account_ids}, receivers)

    def moves(self) -> dict[int, str]:
        """The assignments that change an owner (a receiver who already owns it is no move)."""
        return {
            aid: who
            for aid, who in self.assignments().items()
            if (self.owners.get(aid) or "").casefold() != who.casefold()
        }

    def capacity(self) -> int | None:
        return self.capacity_spin.value() or None

    def refresh(self, *_args: object) -> None:
        """Check the choice at once (Next follows it); the workload is computed on a worker."""
        assignments = self.assignments()
        self.completeChanged.emit()
        if not self.account_ids or not assignments:
            self.workload.set_rows([])
            self.warnings_text.setPlainText("Choose the receiving CSM(s).")
            return
        staying = len(assignments) - len(self.moves())
        self._staying_note = ""
        if staying == len(assignments):
            self._staying_note = ("Nothing would change: every account already belongs to its "
                                  "receiver. Choose another CSM.")  # fmt: skip
        elif staying:
            self._staying_note = (f"{staying} of {len(assignments)} accounts already belong to "
                                  "their receiver and keep their owner.")  # fmt: skip
        first = f"{self._staying_note}\n" if self._staying_note else ""
        self._preview.load(
            first + "Computing the workload…", preview,
            self._store, list(self.account_ids), assignments, self.capacity(), self._today,
        )  # fmt: skip

    def _previewed(self, result: tuple[list[ReceiverLoad], list[str]]) -> None:
        loads, warnings = result
        self.workload.set_rows(loads)
        if self._staying_note:
            warnings = [self._staying_note, *warnings]
        self.warnings_text.setPlainText("\n".join(warnings) or "No warnings.")

    # ------------------------------------------------------------ Qt overrides
    def initializePage(self) -> None:
        self.refresh()

    def isComplete(self) -> bool:
        return bool(self.account_ids) and bool(self.moves())
