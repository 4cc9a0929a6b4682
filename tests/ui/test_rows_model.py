"""RowsTableModel: the shared read-only table over plain rows with declared columns."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel

RawRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class _Row:
    name: str
    amount: float
    flagged: bool


def _model() -> RowsTableModel:
    bold = QFont()
    bold.setBold(True)
    columns = (
        Column("Name", lambda r: r.name, font=lambda r: bold if r.flagged else None),
        Column(
            "Amount",
            lambda r: f"{r.amount:,.0f}",
            RIGHT,
            tooltip=lambda r: f"exactly {r.amount}",
            foreground=lambda r: QColor("#B00020") if r.amount < 0 else None,
            roles={RawRole: lambda r: r.amount},
            header_tooltip="Money in dollars",
        ),
    )
    return RowsTableModel(
        columns,
        row_background=lambda r: QBrush(QColor("#FCE4C4")) if r.flagged else None,
        row_tooltip=lambda r: "flagged" if r.flagged else None,
    )


def test_rows_model_passes_modeltester_empty_and_filled(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = _model()
    qtmodeltester.check(model)
    model.set_rows([_Row("Acme", 1234.5, False), _Row("Globex", -20.0, True)])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.columnCount() == 2


def test_rows_model_roles_come_from_the_columns_then_the_row() -> None:
    model = _model()
    model.set_rows([_Row("Acme", 1234.5, False), _Row("Globex", -20.0, True)])
    h = Qt.Orientation.Horizontal
    assert [model.headerData(c, h) for c in range(2)] == ["Name", "Amount"]
    assert model.headerData(1, h, Qt.ItemDataRole.ToolTipRole) == "Money in dollars"
    assert model.headerData(0, h, Qt.ItemDataRole.ToolTipRole) is None
    assert model.headerData(2, h) is None
    acme_amount, globex_name = model.index(0, 1), model.index(1, 0)
    assert acme_amount.data() == "1,234"
    assert acme_amount.data(RawRole) == 1234.5
    assert acme_amount.data(Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT)
    assert acme_amount.data(Qt.ItemDataRole.ToolTipRole) == "exactly 1234.5"
    assert acme_amount.data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#B00020")
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert globex_name.data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#FCE4C4")
    assert globex_name.data(Qt.ItemDataRole.ToolTipRole) == "flagged"
    assert globex_name.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, 0).data(RawRole) is None
    assert model.row(1).name == "Globex"
    assert [r.name for r in model.rows] == ["Acme", "Globex"]
    model.set_rows([])
    assert model.rowCount() == 0
