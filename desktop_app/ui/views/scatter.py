"""The portfolio scatter: every account by usage (x) and health (y), linked to the table.

Items are created once. A book or axis change rebuilds the full-book arrays
(``scatter_model.prepare_scatter``: on a worker for big books), and the widget hands them to
the whole book's cloud in one call; a filter change slices them into a second cloud, and
clearing it shows the first again as it was (``scatter_clouds``). The clouds are cached as
pixmaps (``DeviceCoordinateCache``): hovering moves one small ring item and repaints only
its rectangle, never the 100k points. Hit tests run in numpy on an
x-sorted index of the book.

Over 450 lines: the widget still wires the toolbar, the chart items, the state's signals,
the rebuild requests (inline or on a worker), its staged first build (chrome, legend, ARR
sizes, then a big book's styles, points and cloud bands, each in a pass of its own) and
five pointer interactions in one class; the numpy side is in ``scatter_data``/
``scatter_model``, the point items in ``scatter_points``, the clouds in ``scatter_clouds``.
The staged first build (~150 lines: ``_first_points`` to ``_reveal_more``) and the pointer
interactions (~120 lines, with hover) are the next to move, each to a module of its own. (A
plain mixin of the pointer methods was tried: mypy refuses their ``self: PortfolioScatter``
annotation, so the move needs a Protocol of the ~15 members they use, or a helper object.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QMenu,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.book import BookColumns
from desktop_app.ui import gui_queue, theme, workers
from desktop_app.ui.book_state import BookState
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter_chrome import ScatterChrome
from desktop_app.ui.views.scatter_clouds import BookClouds
from desktop_app.ui.views.scatter_data import QuadrantStat
from desktop_app.ui.views.scatter_export import export_chart
from desktop_app.ui.views.scatter_items import (
    NO_BRUSH,
    SELECTED_COLOUR,
    DensityStyles,
    PassiveScatter,
    PortfolioAxis,
    SelectViewBox,
    Style,
    band_brushes,
)
from desktop_app.ui.views.scatter_model import (
    ScatterModel,
    arr_size_top,
    nearest_row,
    prepare_scatter,
    x_extent,
)
from desktop_app.ui.views.scatter_points import (
    CloudScatter,
    atlas_rects,
    install_points,
    point_records,
)
from desktop_app.ui.views.scatter_toolbar import ScatterToolbar, context_menu

HIT_RADIUS_PX = 8.0
#: Fixed: room for "not scored" / "no response" on every axis choice, no relayout per book.
Y_AXIS_WIDTH = 84
#: Selection rings: this much wider than the point they surround, white halo under them.
RING_PAD, HOVER_PAD = 9.0, 11.0
_RING_PEN = pg.mkPen(SELECTED_COLOUR, width=3)


class PortfolioScatter(QWidget):
    """Usage x health scatter of the whole book; the lead wires it to the table and pane."""

    #: The user selected in the chart (click, rectangle, lasso); the state is already told.
    selectionChanged = Signal(object)
    accountActivated = Signal(int)
    overrideRequested = Signal(int)
    noteRequested = Signal(int)
    transitionRequested = Signal(object)
    quadrantsChanged = Signal()
    axesChanged = Signal(str, str)  # x and y axis titles, for the dock's title
    #: The points of the state's book are on screen: installed, and the cloud painted.
    pointsShown = Signal()

    def __init__(
        self, state: BookState, parent: QWidget | None = None, *, defer_points: bool = False
    ) -> None:
        """``defer_points``: plot the state's book in a later event (the window building
        the chart while it opens a book: two shorter GUI-thread events than one)."""
        super().__init__(parent)
        self._state = state
        self._x_axis, self._y_axis = "mau", "health"
        self._window = 90
        self._vis = np.empty(0, dtype=np.int64)  # book row indices currently plotted
        self._vx = self._vy = np.empty(0, dtype=np.float64)
        self._hover_row = -1
        # Rebuild requests: the latest wins; what a pending one must do accumulates.
        self._token = 0
        self._pending_lines = self._pending_fit = False
        self._fitted = True  # the view shows the whole book (no user zoom): refit on resize
        self._brushes = np.array(band_brushes(), dtype=object)
        self._density_styles = DensityStyles(RING_PAD)
        self._density: sd.Density | None = None
        self._styles, self._ring_styles, self._pen, self._point_sizes = (
            self._density_styles.for_density(sd.density_for(0))
        )
        self._build_ui()
        if defer_points:
            # Its chrome in a pass of its own, then the legend a few entries per pass, then
            # the points: built with the frame, the chart was one 70-90 ms GUI-thread event.
            gui_queue.later(self, lambda: self._chrome)
        # With deferred points, or a book still loading its facts, the first rebuild
        # prepares the book: preparing it here too put its styles and sizes on the GUI
        # thread inside the chart's construction (at 100k, 30-60 ms of the longest stall).
        book = self._book
        if defer_points or not state.complete:
            book = BookColumns.empty(book.as_of)
        self._model = prepare_scatter(book, self._x_axis, self._y_axis, None, self._window)
        self._size_top = self._model.size_top
        if len(state.book):  # the legend's ARR sizes are known from the accounts alone
            self._size_top = arr_size_top(state.book.arr)
        if not (defer_points and len(state.book)):
            self._set_density(sd.density_for(0))  # builds the legend
        # else the first points build it, in their own event (not inside this one, which
        # already builds the whole chart while the window opens a book)
        state.bookReplaced.connect(self._book_replaced)
        state.accountsChanged.connect(self._accounts_changed)
        state.maskChanged.connect(self._apply_mask)
        state.selectionChanged.connect(self._update_overlay)
        state.extrasChanged.connect(self._extras_changed)
        if len(state.book) and defer_points:
            if state.complete and len(state.book) >= self.PREPARE_ON_WORKER_FROM:
                # A whole big book: its arrays are prepared on a worker now, beside the
                # chrome's and the legend's passes (not after them); the installation
                # waits for the legend (``_install_prepared``).
                self._book_replaced()
            gui_queue.later(self, self._first_points)
        elif len(state.book):
            self._book_replaced()

    def _first_points(self) -> None:
        if self._legend_pending():
            # The legend first, a few entries per event (see __init__), then the points.
            # A whole book's points are on their way already (``__init__``; no loader
            # shares these passes): its entries in one pass, and its ARR sizes with them.
            early = self._token != 0
            if not self._chrome.add_fixed_legend(self._brushes, None if early else 3):
                gui_queue.later(self, self._first_points)
                return
            if not early:
                # The ARR sizes (three more entries) in a pass after the last fixed ones.
                self._sizes_pending = True
                gui_queue.later(self, self._first_sizes)
            return
        if self._token == 0:  # nothing plotted the book meanwhile
            self._book_replaced()

    _sizes_pending = False

    def _first_sizes(self) -> None:
        self._sizes_pending = False
        if self._density is None and not self._installed_token:
            self._set_density(sd.density_for(0))
        gui_queue.later(self, self._first_points)

    def _legend_pending(self) -> bool:
        """True while the first points wait for the legend's passes (nothing installed yet;
        adding none of its fixed entries answers whether they are all there)."""
        if self._installed_token or self._density is not None:
            return False
        chrome = self._chrome_obj
        if chrome is None or self._sizes_pending:
            return True
        return not chrome.add_fixed_legend(self._brushes, 0)

    @property
    def state(self) -> BookState:
        """The state this chart follows (napari's ``QtViewer.viewer``)."""
        return self._state

    @property
    def _book(self) -> BookColumns:
        return self._state.book

    @property
    def _mask(self) -> np.ndarray:
        return self._state.mask

    # ---------------------------------------------------------------- construction
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.toolbar = ScatterToolbar(self)
        self.toolbar.axesChanged.connect(self.set_axes)
        self.toolbar.windowChanged.connect(self.set_renewal_window)
        self.toolbar.modeChanged.connect(self.set_select_mode)
        self.toolbar.resetRequested.connect(self.reset_view)
        self.toolbar.exportRequested.connect(self._export_dialog)
        self.mode_actions = self.toolbar.mode_actions
        layout.addWidget(self.toolbar)
        self._axis_x = PortfolioAxis("bottom")
        self._axis_y = PortfolioAxis("left")
        self._vb = SelectViewBox()
        self._glw = pg.GraphicsLayoutWidget(self)
        self._glw.setBackground(theme.chart_background())
        # The plot's frame: the view box and two axes in a grid, as a pg.PlotItem lays them
        # out, without the PlotItem (its options menu and form, two hidden axes, a title:
        # built up front, the largest part of the chart's construction; the chart has its
        # own menu and toolbar).
        self.frame = frame = pg.GraphicsLayout()
        frame.setContentsMargins(1, 1, 1, 1)
        frame.setSpacing(0)
        frame.addItem(self._axis_y, row=0, col=0)
        frame.addItem(self._vb, row=0, col=1)
        frame.addItem(self._axis_x, row=1, col=1)
        frame.layout.setRowStretchFactor(0, 100)
        frame.layout.setColumnStretchFactor(1, 100)
        self._glw.addItem(frame, row=0, col=0)
        fg = theme.chart_foreground()
        for ax in (self._axis_x, self._axis_y):
            ax.linkToView(self._vb)
            ax.setPen(pg.mkPen(theme.blend(fg, theme.chart_background(), 0.7)))
            ax.setTextPen(pg.mkPen(fg))
            # An opaque faint grid under the points: alpha-blended grid lines (showGrid's
            # alpha) cost ~20 ms per paint on the raster engine and were drawn over the points.
            ax.setTickPen(pg.mkPen(theme.grid_colour()))
            ax.setStyle(tickAlpha=255)
            ax.setGrid(128)  # grid lines across the view (what PlotItem.showGrid sets)
            # Behind the frame, so under the view box and its floor lines (as in a PlotItem).
            ax.setFlag(QGraphicsItem.GraphicsItemFlag.ItemNegativeZStacksBehindParent)
            ax.setZValue(-1)
        # Labels and axis width up front: a layout change on the first book costs a repaint.
        self._axis_x.setLabel(sd.X_AXES[self._x_axis])
        self._axis_y.setLabel(sd.Y_AXES[self._y_axis])
        self._axis_y.setWidth(Y_AXIS_WIDTH)
        layout.addWidget(self._glw, 1)
        # The whole book's cloud and the filtered one (``scatter_clouds``).
        self._clouds = BookClouds(self._pen)
        self._clouds.whole.on_paint = self._clouds.part.on_paint = self._cloud_painted
        # Selection: a blue ring on a white halo, above every point (readable on a 100k blob).
        halo = pg.mkPen(theme.chart_background(), width=6.5)
        self._halo = PassiveScatter(pxMode=True, symbol="o", brush=NO_BRUSH, pen=halo)
        self._overlay = PassiveScatter(pxMode=True, symbol="o", brush=NO_BRUSH, pen=_RING_PEN)
        self._hover = PassiveScatter(
            pxMode=True, symbol="o", size=22, brush=None, pen=pg.mkPen("#000", width=1.5)
        )
        for cloud in self._clouds.items():
            self._vb.addItem(cloud)
        for z, item in enumerate((self._halo, self._overlay, self._hover)):
            self._vb.addItem(item, ignoreBounds=True)
            item.setZValue(10 + z)
        self._vb.on_click = self._on_click
        self._vb.on_double_click = self._on_double_click
        self._vb.on_context = self._on_context
        self._vb.on_rect = self._on_rect
        self._vb.on_lasso = self._on_lasso
        self._glw.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._vb.sigRangeChanged.connect(self._place_texts)
        self._vb.sigRangeChangedManually.connect(self._zoomed)
        self._vb.sigResized.connect(self._resized)

    def hide_plot(self) -> None:
        """Leave the plot (its frame, axes and points) unshown until ``show_plot``, its place
        in the layout kept: the chart's toolbar and its plot are first painted in two
        GUI-thread passes instead of one, and showing the plot repaints the plot alone."""
        policy = self._glw.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self._glw.setSizePolicy(policy)
        self._glw.hide()

    def show_plot(self) -> None:
        self._glw.show()

    @property
    def _chrome(self) -> ScatterChrome:
        """The items around the points (guide lines, texts, legend), built on first use or
        in a GUI-thread pass of their own, after the chart's frame (see ``__init__``)."""
        if self._chrome_obj is None:
            chrome = self._chrome_obj = ScatterChrome(self._glw, self._vb)
            chrome.quadrantMoved.connect(self._on_quadrant_moved)
            chrome.quadrantFinished.connect(self.quadrantsChanged)
        return self._chrome_obj

    _chrome_obj: ScatterChrome | None = None

    def _place_texts(self, *_args: object) -> None:
        if self._chrome_obj is not None:
            self._chrome_obj.place_texts()

    # ---------------------------------------------------------------- public API
    # ---------------------------------------------------------------- following the state
    def _book_replaced(self) -> None:
        """A new book: rebuild, put the guide lines at its medians and fit the view to it.

        A book still loading its facts (``state.complete`` false) shows no points yet."""
        self._rebuild(reset_lines=True, refit=True)

    def _accounts_changed(self, _ids: np.ndarray) -> None:
        """Some accounts changed (bands, scores): restyle, keep the user's view and lines."""
        self._rebuild(reset_lines=False)

    def _extras_changed(self) -> None:
        if self._y_axis == "nps":
            self._rebuild(reset_lines=False)

    def is_ready(self) -> bool:
        """True once the plotted points are those of the state's book (no rebuild pending)."""
        return self._token == self._installed_token and self._model.fits(self._book)

    _installed_token = 0
    _announce = False

    def _cloud_painted(self) -> None:
        if self._announce:
            self._announce = False
            self.pointsShown.emit()  # within the paint: receivers only queue their work

    def after_points(self, owner: QObject, then: Callable[[], object]) -> None:
        """``then()`` in a GUI-thread pass of its own (``gui_queue``, dropped with ``owner``)
        once the state's book is plotted and painted, and after 3 s at the latest."""
        if self.shows_book():
            gui_queue.later(owner, then)
            return
        done: list[bool] = []

        def once() -> None:
            if not done:
                done.append(True)
                with contextlib.suppress(RuntimeError):  # the chart is gone already
                    self.pointsShown.disconnect(once)
                gui_queue.later(owner, then)

        self.pointsShown.connect(once)
        QTimer.singleShot(3000, owner, once)

    def shows_book(self) -> bool:
        """True once the state's book is plotted and painted (``pointsShown`` was sent)."""
        return self.is_ready() and not self._announce

    def selection(self) -> np.ndarray:
        return self._state.selection.copy()

    def set_axes(self, x: str, y: str) -> None:
        if x not in sd.X_AXES or y not in sd.Y_AXES:
            raise ValueError(f"unknown axes {x!r}, {y!r}")
        changed = (x, y) != (self._x_axis, self._y_axis)
        self._x_axis, self._y_axis = x, y
        self.toolbar.show_axes(x, y)
        self.axesChanged.emit(sd.X_AXES[x], sd.Y_AXES[y])
        if changed:
            self._rebuild(reset_lines=True, refit=True)

    def axes(self) -> tuple[str, str]:
        return self._x_axis, self._y_axis

    def set_renewal_window(self, days: int) -> None:
        self._window = int(days)
        self._rebuild(reset_lines=False)

    def set_select_mode(self, mode: str) -> None:
        self._vb.mode = mode
        self.mode_actions[mode].setChecked(True)

    def reset_view(self) -> None:
        """Fit x to the data; y shows its whole scale, the "missing" row and room for the
        quadrant labels above and below the points (so no label covers a big point)."""
        self._fitted = True
        # One explicit fit (setXRange also turns pyqtgraph's auto-ranging off): the view
        # changes when the book does, never behind the user's back while they zoom or filter.
        # From the plotted x alone: autoRange asks every item for its bounds (100k points:
        # ~0.1-0.4 s of nan-aware reductions on the GUI thread).
        ext = x_extent(self._vx)
        if ext is None:
            self._vb.autoRange(padding=0.04)
        else:
            lo, hi = ext
            if hi - lo < 1e-9:
                lo, hi = lo - 0.5, hi + 0.5
            pad_px = float(np.max(self._point_sizes)) / 2 + 2
            lo, hi = sd.padded_range(lo, hi, pad_px, float(self._vb.width()))
            self._vb.setXRange(lo, hi, padding=0.0)
        self._fit_y()

    def _fit_y(self) -> None:
        self._vb.disableAutoRange(axis=pg.ViewBox.YAxis)
        lo, hi = sd.Y_RANGE[self._y_axis]
        height = float(self._vb.height())
        # (Not the chrome's own: a fit while it is being built, on its first resize of the
        # view, would build it again.)
        label = 34.0 if self._chrome_obj is None else self._chrome_obj.label_height()
        pad_px = label + float(np.max(self._point_sizes)) / 2 + 2
        lo, hi = sd.padded_range(lo, hi, pad_px, height)
        self._vb.setYRange(lo, hi, padding=0)

    def _zoomed(self, *_args: object) -> None:
        self._fitted = False

    def _resized(self, *_args: object) -> None:
        # A fit made before the view had its size (a chart created with its book) used
        # a zero-pixel view: fit again now that pixels mean something.
        if self._fitted:
            self.reset_view()

    def is_fitted(self) -> bool:
        """True while the view shows the whole book (no zoom or pan by the user)."""
        return self._fitted

    def export_image(self, path: str) -> None:
        """Write the chart to ``path``: SVG for ``.svg``, otherwise PNG."""
        self.clear_hover()
        # Drawn as vectors / at the export's resolution, not from the on-screen pixmap.
        self._scatter.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        try:
            export_chart(self._glw, path, (self._scatter, self._halo, self._overlay))
        finally:
            self._scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def plotted_ids(self) -> np.ndarray:
        out: np.ndarray = self._book.account_id[self._vis]
        return out

    def plotted_xy(self) -> tuple[np.ndarray, np.ndarray]:
        return self._arrays.x[self._vis], self._arrays.y[self._vis]

    def overlay_xy(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._overlay.getData()
        return np.asarray(x), np.asarray(y)

    def quadrant_stats(self) -> list[QuadrantStat]:
        return self._chrome.stats

    def quadrant_lines(self) -> tuple[float, float]:
        return self._chrome.line_positions()

    def set_quadrant_lines(self, x: float, y: float) -> None:
        self._chrome.set_line_positions(x, y)
        self._update_quadrants()

    def hover_at(self, x: float, y: float) -> int | None:
        """Account id of the visible point within the hit radius of view point (x, y)."""
        row = self._hit_row(x, y)
        return None if row < 0 else int(self._book.account_id[row])

    def hovered_id(self) -> int | None:
        """The account under the hover ring (None when no point is hovered)."""
        return None if self._hover_row < 0 else int(self._book.account_id[self._hover_row])

    def clear_hover(self) -> None:
        self._hover_row = -1
        self._hover.setData([], [])

    def tooltip_for(self, account_id: int) -> str:
        return self._chrome.tooltip(self._book, self._book.index_of(account_id))

    def view(self) -> SelectViewBox:
        return self._vb

    def _settle(self) -> None:
        """Apply the new view range now rather than in the next paint.

        pyqtgraph maps a range change to the items lazily, inside the paint; that moves the
        lines and texts, which schedules a second full paint of 10k-100k points.
        """
        self._vb.prepareForPaint()

    # ---------------------------------------------------------------- data → items
    #: Books from this many accounts on are prepared on a worker; smaller ones inline (a few
    #: ms), so that a small book's chart is complete when its signal returns. (At 10k,
    #: inline put the preparation and the install inside the window's ``_book_loaded``
    #: with the table's reset: one GUI-thread event of 90-130 ms.)
    PREPARE_ON_WORKER_FROM = 5_000

    @property
    def _arrays(self) -> sd.PlotArrays:
        return self._model.arrays

    def _set_density(self, density: sd.Density) -> None:
        """Sizes, fills and outline for ``density`` visible points; the legend follows."""
        self._density = density
        styles = self._density_styles.for_density(density)
        self._styles, self._ring_styles, self._pen, self._point_sizes = styles
        self._chrome.set_legend(self._brushes, self._size_top, density.size_factor)

    def _rebuild(self, *, reset_lines: bool, refit: bool = False) -> None:
        """Plot the state's book again (axes, styles, mask); big books are prepared on a
        worker and installed when ready, the latest request winning."""
        self._token += 1
        self._pending_lines |= reset_lines
        self._pending_fit |= refit
        book = self._book
        nps = self._state.nps if self._y_axis == "nps" else None
        args = (book, self._x_axis, self._y_axis, nps, self._window)
        if not self._state.complete:
            empty = BookColumns.empty(book.as_of)
            self._install(prepare_scatter(empty, *args[1:]), self._token, keep_pending=True)
            return
        if len(book) < self.PREPARE_ON_WORKER_FROM:
            self._install(prepare_scatter(*args), self._token)
            return
        if not self._model.fits(book) and not self._shows_empty(book):
            # The plotted rows are another book's: show nothing rather than wrong points.
            empty = BookColumns.empty(book.as_of)
            self._install(prepare_scatter(empty, *args[1:]), self._token, keep_pending=True)
        token = self._token
        workers.run_task(
            prepare_points,
            *args,
            self._records_for(book),
            done=partial(self._prepared, token=token),
            urgent=True,
        )

    def _records_for(self, book: BookColumns) -> tuple[Any, list[Style], Any] | None:
        """(record layout, styles, pen) the worker builds the whole book's point records
        with, when the book is shown whole (no filter: the whole book's cloud will hold
        them); None otherwise."""
        if len(self._mask) != len(book) or not self._mask.all():
            return None
        styles, _rings, pen, _sizes = self._density_styles.for_density(sd.density_for(len(book)))
        return self._clouds.whole.data.dtype, styles, pen

    def _shows_empty(self, book: BookColumns) -> bool:
        """True if the chart already shows nothing, as ``book``'s empty stand-in would (the
        accounts alone were shown): installing the stand-in again repainted the chart
        with the table's new columns, for nothing."""
        m = self._model
        return (
            len(m) == 0
            and self._vis.size == 0
            and (m.x_axis, m.y_axis, m.window) == (self._x_axis, self._y_axis, self._window)
            and self._size_top == arr_size_top(book.arr)
        )

    def _prepared(self, result: tuple[ScatterModel, Any], token: int) -> None:
        """The prepared arrays, installed in a GUI-thread pass of their own (a worker's
        result arrives as a posted event, delivered with every other one pending: the
        window's book, the paints; see ``MainWindow._book_arrived``)."""
        with contextlib.suppress(RuntimeError):  # the chart was deleted meanwhile
            gui_queue.later(self, partial(self._install_prepared, *result, token))

    def _install_prepared(
        self, model: ScatterModel, records: Any, token: int, primed: bool = False
    ) -> None:
        again = partial(self._install_prepared, model, records, token)
        try:
            if token == self._token and self._legend_pending():
                # Prepared before the legend is built: installed after its passes (the
                # installation would build the rest of it in its own pass).
                gui_queue.later(self, partial(again, primed))
                return
            if token == self._token and model.fits(self._book):
                clouds = self._clouds.items()
                first = self._vis.size == 0 and all(c.isVisible() for c in clouds)
                if first and not primed and len(model) >= self.REVEAL_BAND_POINTS:
                    # Nothing on screen yet: a big book's styles first, in a pass of their
                    # own (at 100k, the legend's sizes and the atlas's symbols: ~15 ms; at
                    # 10k a pass costs more than it saves).
                    self._prime(model)
                    gui_queue.later(self, partial(again, True))
                    return
                self._records = records
                if first:
                    # The clouds' first paint of a big book (~30 ms at 100k) in the next
                    # pass, not in this one with the installation. (Hidden while they hold
                    # no pixmap: nothing cached is dropped.)
                    for cloud in clouds:
                        cloud.hide()
                self._install(model, token)
                if first:
                    gui_queue.later(self, self._show_clouds)
        except RuntimeError:  # the chart was deleted while its arrays were prepared
            pass

    def _prime(self, model: ScatterModel) -> None:
        """Get the styles of ``model``'s points ready for their installation: the legend's
        ARR sizes at the density the points will be shown at, and their symbols in the
        atlas of the cloud that will hold them (pyqtgraph renders each new symbol)."""
        shown = self._mask if len(self._mask) == len(model) else None
        n = 0 if shown is None else int(np.count_nonzero(shown))
        density = sd.density_for(n)
        styles, _rings, pen, _sizes = self._density_styles.for_density(density)
        self._chrome.set_legend(self._brushes, model.size_top, density.size_factor)
        if shown is not None and n:
            whole = n == len(model)
            cloud = self._clouds.whole if whole else self._clouds.part
            atlas_rects(cloud, model.style_code if whole else model.style_code[shown], styles, pen)

    #: A first paint of this many points or more is drawn in bands, one per GUI-thread pass
    #: (``CloudScatter.reveal``): at 100k, three of ~10 ms of drawing rather than one of 25.
    REVEAL_BAND_POINTS = 40_000

    def _show_clouds(self) -> None:
        for cloud in self._clouds.items():
            cloud.show()
        shown = self._scatter
        shown.reveal(-(-len(shown.data) // self.REVEAL_BAND_POINTS))
        if shown.revealing():
            gui_queue.later(self, partial(self._reveal_more, shown))

    def _reveal_more(self, cloud: CloudScatter) -> None:
        # (The cloud that started, even if a filter shows the other one meanwhile: a cloud
        # left half drawn would come back so when the filter is cleared.)
        if cloud.reveal_more() and cloud.revealing():
            gui_queue.later(self, partial(self._reveal_more, cloud))

    def _install(self, model: ScatterModel, token: int, *, keep_pending: bool = False) -> None:
        self._model = model
        a = model.arrays
        money = self._x_axis in ("mrr", "arr")
        self._axis_x.configure(log=a.x_log, floors=a.x_floors, money=money)
        self._axis_y.configure(
            log=False, floors=a.y_floors, scale=(0.0, sd.Y_RANGE[self._y_axis][1])
        )
        self._axis_x.setLabel(sd.X_AXES[self._x_axis])
        self._axis_y.setLabel(sd.Y_AXES[self._y_axis])
        self._chrome.set_floors(a.x_floors, a.y_floors, today=self._x_axis == "days_to_renewal")
        if keep_pending:
            # The legend's ARR sizes are the book's already (its accounts' ARR): set from
            # the empty model, they were removed and added again with the points (at 100k,
            # ~10 ms of the points' installation).
            self._size_top = arr_size_top(self._book.arr) if len(self._book) else model.size_top
            self._density = None
            self._apply_mask()
            return
        if self._pending_lines:
            self._chrome.set_line_positions(model.x_median, sd.Y_DEFAULT_THRESHOLD[self._y_axis])
        self._size_top = model.size_top
        self._density = None  # the next _apply_mask picks the styles for its point count
        self._installed_token = token
        refit = self._pending_fit
        self._pending_lines = self._pending_fit = False
        self._apply_mask()
        if refit:
            self.reset_view()
            self._settle()
        # Told once the cloud has painted them (not before: whoever waits for the chart
        # to show starts its own work then, and would delay that paint).
        self._announce = self.is_ready()

    #: The whole book's point records built by the worker (``prepare_points``) for the
    #: model and styles they were built with, until the next ``_apply_mask`` takes them.
    _records: tuple[ScatterModel, list[Style], Any, np.ndarray] | None = None

    @property
    def _style_code(self) -> np.ndarray:
        return self._model.style_code

    @property
    def _size_idx(self) -> np.ndarray:
        return self._model.size_idx

    def _apply_mask(self, *_args: object) -> None:
        model = self._model
        if len(model) == len(self._mask):
            vis = np.flatnonzero(self._mask).astype(np.int64)
        else:  # the model is being rebuilt for a new book: nothing to show meanwhile
            vis = np.empty(0, dtype=np.int64)
        self._vis = vis
        a = model.arrays
        self._vx, self._vy = a.x[vis], a.y[vis]
        density = sd.density_for(vis.size)
        if density != self._density:
            self._set_density(density)
        records, self._records = self._records, None
        if records is not None and not (
            records[0] is model and records[1] is self._styles and records[2] is self._pen
        ):
            records = None  # built for another model or density (the mask changed since)
        rec = None if records is None else records[3]
        self._clouds.show(model, vis, self._vx, self._vy, self._styles, self._pen, rec)
        self.clear_hover()
        self._update_overlay()
        self._update_quadrants()

    @property
    def _scatter(self) -> CloudScatter:
        """The cloud on screen: the whole book's or the filtered one."""
        return self._clouds.shown

    def point_installs(self) -> int:
        """Point sets handed to the clouds so far (whole book and filtered)."""
        return self._clouds.installs

    def _update_overlay(self, *_args: object) -> None:
        rows = np.empty(0, dtype=np.int64)
        selected = self._state.selection
        if selected.size and self._vis.size and len(self._model) == len(self._mask):
            sel_rows = self._state.rows_of(selected)
            rows = sel_rows[self._mask[sel_rows]]
        x, y, codes = self._arrays.x[rows], self._arrays.y[rows], self._size_idx[rows]
        install_points(self._halo, x, y, codes, self._ring_styles)
        install_points(self._overlay, x, y, codes, self._ring_styles)

    def _update_quadrants(self) -> None:
        a = self._arrays
        vis = self._vis
        xl, yl = self._chrome.line_positions()
        names = (sd.QUADRANT_X_NAMES[self._x_axis], sd.QUADRANT_Y_NAMES[self._y_axis])
        if vis.size == len(a.x) == len(self._book):  # the whole book: no gather
            x, y, arr, valid = a.x, a.y, self._book.arr, a.x_valid & a.y_valid
        else:
            x, y, arr = self._vx, self._vy, self._book.arr[vis]
            valid = a.x_valid[vis] & a.y_valid[vis]
        stats = sd.quadrant_stats(x, y, arr, valid, xl, yl, names)
        self._chrome.set_stats(stats)

    # ---------------------------------------------------------------- interaction
    def _hit_row(self, x: float, y: float) -> int:
        """Book row of the plotted point nearest view point (x, y), or -1 (none in reach)."""
        pw, ph = self._vb.viewPixelSize()
        if not pw or not ph or not self._vis.size or len(self._model) != len(self._mask):
            return -1
        return nearest_row(self._model, self._mask, x, y, 1.0 / pw, 1.0 / ph, HIT_RADIUS_PX)

    def _emit_selection(self, ids: np.ndarray, focus: int | str | None = "auto") -> None:
        """A selection made in the chart: the state tells every view (this one included)."""
        self._state.select(ids.astype(np.int64), focus=focus)
        self.selectionChanged.emit(self._state.selection.copy())

    def _combine(self, ids: np.ndarray, add: bool) -> np.ndarray:
        return np.union1d(self._state.selection, ids) if add else ids

    def click_at(self, pos: QPointF, modifiers: Any = Qt.KeyboardModifier.NoModifier) -> None:
        """Select the point under ``pos`` (view coordinates); Ctrl toggles; empty clears."""
        self._on_click(pos, modifiers)

    def _on_click(self, pos: QPointF, modifiers: Any) -> None:
        row = self._hit_row(pos.x(), pos.y())
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if row < 0:
            if not ctrl:
                self._emit_selection(np.empty(0, dtype=np.int64))
            return
        aid = int(self._book.account_id[row])
        selected = self._state.selection
        if ctrl:
            if aid in selected:
                self._emit_selection(selected[selected != aid])
            else:
                self._emit_selection(np.append(selected, aid), focus=aid)
        else:
            self._emit_selection(np.array([aid], dtype=np.int64), focus=aid)

    def _on_double_click(self, pos: QPointF) -> None:
        row = self._hit_row(pos.x(), pos.y())
        if row >= 0:
            self.accountActivated.emit(int(self._book.account_id[row]))

    def select_rect(self, rect: QRectF, add: bool = False) -> None:
        """Select the visible points inside ``rect`` (view coordinates)."""
        self._on_rect(rect, add)

    def _on_rect(self, rect: QRectF, add: bool) -> None:
        m = sd.in_rect(self._vx, self._vy, rect.left(), rect.right(), rect.top(), rect.bottom())
        self._emit_selection(self._combine(self._book.account_id[self._vis[m]], add))

    def select_polygon(self, points: list[QPointF], add: bool = False) -> None:
        """Select the visible points inside the polygon (view coordinates)."""
        self._on_lasso(points, add)

    def _on_lasso(self, points: list[QPointF], add: bool) -> None:
        px = np.array([p.x() for p in points], dtype=np.float64)
        py = np.array([p.y() for p in points], dtype=np.float64)
        m = sd.in_polygon(self._vx, self._vy, px, py)
        self._emit_selection(self._combine(self._book.account_id[self._vis[m]], add))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        row = -1
        if self._vb.sceneBoundingRect().contains(scene_pos):
            p = self._vb.mapSceneToView(scene_pos)
            row = self._hit_row(p.x(), p.y())
        if row == self._hover_row:
            return  # the same point (or still none): nothing to repaint
        if row < 0:
            self.clear_hover()
            QToolTip.hideText()
            return
        # Only the ring moves: a one-point item above the cached cloud.
        self._hover_row = row
        size = float(self._point_sizes[self._size_idx[row]]) + HOVER_PAD
        self._hover.setData([self._arrays.x[row]], [self._arrays.y[row]], size=size)
        QToolTip.showText(QCursor.pos(), self._chrome.tooltip(self._book, row), self._glw)

    def context_menu_for(self, account_id: int | None) -> QMenu:
        """The right-click menu for a point (or the background when ``account_id`` is None)."""
        return context_menu(self, account_id, self._state.selection)

    def _on_context(self, pos: QPointF, ev: Any) -> None:
        row = self._hit_row(pos.x(), pos.y())
        aid = None if row < 0 else int(self._book.account_id[row])
        menu = self.context_menu_for(aid)
        menu.exec(ev.screenPos().toPoint())
        menu.deleteLater()

    def _on_quadrant_moved(self) -> None:
        self._update_quadrants()

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", "portfolio.png", "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if path:
            self.export_image(path)


def prepare_points(
    book: BookColumns,
    x_axis: str,
    y_axis: str,
    nps: np.ndarray | None,
    window: int,
    records_for: tuple[Any, list[Style], Any] | None,
) -> tuple[ScatterModel, tuple[ScatterModel, list[Style], Any, np.ndarray] | None]:
    """On a worker: the scatter's arrays of ``book`` and, given ``records_for`` (record
    layout, styles, pen), the whole book's point records (``scatter_points.point_records``)
    with the model and styles they belong to."""
    model = prepare_scatter(book, x_axis, y_axis, nps, window)
    if records_for is None:
        return model, None
    dtype, styles, pen = records_for
    a = model.arrays
    rec = point_records(dtype, a.x, a.y, model.style_code, styles, pen)
    return model, (model, styles, pen, rec)
