"""Plots people can read: colours apart, legend beside the data, a colour bar, time ticks, a toolbar that fits,
the stream named once, and every visible plot redrawn in turn under the redraw budget."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QToolButton

from suricate_desktop.gui.dashboard import Dashboard
from suricate_desktop.gui.plots import PlotPanel, RedrawBudget
from suricate_desktop.gui.plots.palette import MIN_DISTANCE, NEIGHBOUR_DISTANCE, PALETTE, distance
from suricate_desktop.gui.sources.base import Source
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

T0 = 1_764_280_800.0
H = "web01"
PROCS = ["postgres", "nginx", "java", "python3", "node", "sshd", "systemd", "chrome", "Xorg", "cron"]


def procs_store(n: int = 120, keys: int = 8, stream: str = "cpu") -> LiveStore:
    store = LiveStore()
    add_rows(store, range(n), keys, stream)
    return store


def add_rows(store: LiveStore, ts, keys: int = 8, stream: str = "cpu") -> None:
    for t in ts:
        entries = [[[p], (keys - i) * 100 + (t * (i + 3)) % 37] for i, p in enumerate(PROCS[:keys])]
        store([Snapshot(H, "procs", stream, "sum", T0 + t, 1.0, True, entries)])


def lat_store(n: int = 60) -> LiveStore:
    store = LiveStore()
    for t in range(n):
        entries = [[["bash"], [[[1024, 2047], 10 + t], [[4096, 8191], 2 + t % 5]]]]
        store([Snapshot(H, "io", "lat", "quantize", T0 + t, 1.0, True, entries)])
    return store


def settle(qtbot, panel) -> None:
    """Let the event loop lay the plot out and paint it, as it does for a plot on screen."""
    qtbot.wait(20)
    panel.canvas.grab()


@pytest.fixture
def panel_at(qtbot):
    def make(store, stream, chart="auto", width=900, height=420):
        budget = RedrawBudget()
        budget.enabled = False  # these tests look at what is drawn, not when
        panel = PlotPanel(store, stream, chart=chart, budget=budget)
        qtbot.addWidget(panel)
        panel.resize(width, height)
        panel.show()
        qtbot.waitExposed(panel)
        panel.refresh()
        settle(qtbot, panel)
        return panel

    return make


# -- colours ----------------------------------------------------------------------------------------------------------
def test_palette_neighbours_are_apart_in_normal_vision_and_with_deuteranopia():
    for a, b in zip(PALETTE, PALETTE[1:] + PALETTE[:1], strict=True):
        assert distance(a, b) >= NEIGHBOUR_DISTANCE, (a, b)
        assert distance(a, b, deuteranopia=True) >= NEIGHBOUR_DISTANCE, (a, b)
    # the simulation is not the identity: red and green, far apart normally, come close
    assert distance("#D55E00", "#009E73") > 100 > distance("#D55E00", "#009E73", deuteranopia=True)


def test_series_shown_together_get_colours_apart_neighbours_most_of_all(panel_at):
    panel = panel_at(procs_store(), (H, "procs", "cpu"), "timeseries")
    chart = panel.chart
    legend_order = [chart.curves[key] for key in chart.shown]
    colours = [curve.opts["pen"].color().name() for curve in legend_order]
    assert len(colours) == 8 and len(set(colours)) == 8
    for a, b in itertools.pairwise(colours):  # next to each other in the legend
        assert min(distance(a, b), distance(a, b, deuteranopia=True)) >= NEIGHBOUR_DISTANCE, (a, b)
    for a, b in itertools.combinations(colours, 2):  # any two curves may cross
        assert min(distance(a, b), distance(a, b, deuteranopia=True)) >= MIN_DISTANCE, (a, b)
    # and a key keeps its colour as the ranking moves
    before = {key: chart.curves[key].opts["pen"].color().name() for key in chart.shown}
    panel.set_top(3)
    panel.set_top(8)
    panel.refresh()
    assert {key: panel.chart.curves[key].opts["pen"].color().name() for key in panel.chart.shown} == before


# -- legend -----------------------------------------------------------------------------------------------------------
def test_the_legend_is_beside_the_data_or_hidden_never_over_it(panel_at, qtbot):
    wide = panel_at(procs_store(), (H, "procs", "cpu"), "timeseries", width=900)
    legend, vb = wide.chart.legend, wide.chart.vb
    assert legend.isVisible() and len(legend.items) == 8
    assert not legend.sceneBoundingRect().intersects(vb.sceneBoundingRect())
    assert legend.sceneBoundingRect().left() >= vb.sceneBoundingRect().right()
    # too narrow to keep room for the data: no legend (the crosshair's readout names the keys)
    narrow = panel_at(procs_store(), (H, "procs", "cpu"), "timeseries", width=380)
    assert not narrow.chart.legend.isVisible()
    # wide again: beside the data again
    narrow.resize(900, 420)
    settle(qtbot, narrow)
    assert narrow.chart.legend.isVisible()
    assert not narrow.chart.legend.sceneBoundingRect().intersects(narrow.chart.vb.sceneBoundingRect())
    # the toggle in the toolbar's menu hides it, and the data takes the room
    width_with = vb.sceneBoundingRect().width()
    wide.toolbar.legend_action.trigger()
    settle(qtbot, wide)
    assert not wide.legend and not legend.isVisible()
    assert vb.sceneBoundingRect().width() > width_with + 40


# -- heatmap colour bar ------------------------------------------------------------------------------------------------
def test_a_heatmap_has_a_colour_bar_in_counts(panel_at):
    panel = panel_at(lat_store(), (H, "io", "lat"))
    chart = panel.chart
    bar = chart.bar
    assert bar.scene() is panel.canvas.scene() and bar.isVisible()
    assert not bar.sceneBoundingRect().intersects(chart.vb.sceneBoundingRect())  # beside the image
    busiest = float(chart.counts.max())
    assert chart.top >= busiest  # the scale covers every cell
    ticks = [text for _v, text in bar.axis._tickLevels[0]]
    assert "count per cell" in bar.axis.labelText
    assert ticks[:3] == ["0", "1", "10"]  # log scale, labelled in counts, not in log units
    panel.set_log(False)
    ticks = [text for _v, text in bar.axis._tickLevels[0]]
    assert ticks[0] == "0" and float(ticks[-1]) >= busiest and "log" not in bar.axis.labelText


# -- time axis --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("window", "width", "least", "pattern"),
    [
        (60.0, 460, 4, r"^\d\d:\d\d:\d\d$"),
        (300.0, 460, 4, r"^\d\d:\d\d(:\d\d)?$"),
        (900.0, 900, 6, r"^\d\d:\d\d$"),
    ],
)
def test_the_time_axis_has_enough_readable_ticks(panel_at, qtbot, window, width, least, pattern):
    store = procs_store(1000)
    panel = panel_at(store, (H, "procs", "cpu"), "timeseries", width=width)
    panel.set_window(window)
    settle(qtbot, panel)
    axis = panel.chart.plot.getAxis("bottom")
    labels = [text for _rect, _flags, text in axis._specs[2]]
    assert len(labels) >= least, labels
    assert all(re.match(pattern, text) for text in labels), labels
    # drawn without overlapping one another
    rects = sorted((rect for rect, _f, _t in axis._specs[2]), key=lambda r: r.left())
    assert all(a.right() < b.left() for a, b in itertools.pairwise(rects))


@pytest.mark.parametrize("chart", ["timeseries", "heatmap"])
def test_time_labels_stay_under_their_times_as_the_plot_scrolls_pans_and_resizes(panel_at, qtbot, chart):
    # The time axis lays its ticks out once per scale and shifts them as the plot follows its data: each label
    # must still name the time under its centre, after scrolling, after a pan (another range) and a resize.
    store = procs_store(400) if chart == "timeseries" else lat_store(400)
    stream = (H, "procs", "cpu") if chart == "timeseries" else (H, "io", "lat")
    panel = panel_at(store, stream, chart, width=700)
    panel.set_window(60)
    settle(qtbot, panel)
    axis = panel.chart.plot.getAxis("bottom")

    def check() -> None:
        labels = axis._specs[2]
        assert len(labels) >= 3, labels
        lo, hi = panel.chart.vb.viewRange()[0]
        bounds = axis.mapRectFromParent(axis.geometry())
        step = axis.step_for(hi - lo, bounds.width())
        for rect, _flags, text in labels:
            assert bounds.left() <= rect.left() and rect.right() <= bounds.right()
            t = lo + (rect.center().x() - bounds.left()) * (hi - lo) / bounds.width() + axis.origin
            assert abs(t - round(t / step) * step) < 0.02 * step, (text, t, step)  # on a round time
            assert text == axis.tickStrings([t - axis.origin], 1.0, step)[0]

    for n in range(400, 460, 7):  # new rows: the plot follows, its axis shifts
        if chart == "timeseries":
            add_rows(store, range(n, n + 7))
        else:
            for t in range(n, n + 7):
                entries = [[["bash"], [[[1024, 2047], 10], [[4096, 8191], 2]]]]
                store([Snapshot(H, "io", "lat", "quantize", T0 + t, 1.0, True, entries)])
        panel.refresh()
        settle(qtbot, panel)
        check()
    panel.link.set_range(T0 + 200, T0 + 290)  # a pan and zoom: another scale
    panel.refresh()
    settle(qtbot, panel)
    check()
    panel.resize(500, 420)
    settle(qtbot, panel)
    panel.refresh()
    settle(qtbot, panel)
    check()


# -- toolbar ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("chart", ["timeseries", "heatmap", "histogram", "bars", "pie"])
def test_the_toolbar_fits_half_a_laptop_screen_without_overflow(panel_at, qtbot, chart):
    # a dashboard of two columns on a 1366-pixel screen, the streams dock open: about 530 px a plot
    store = lat_store()
    panel = panel_at(store, (H, "io", "lat"), chart, width=520)
    panel.set_title("web01.io.lat", "web01.io.lat · broker")
    toolbar = panel.toolbar
    toolbar.add_trailing(QToolButton(text="✕"))
    settle(qtbot, panel)
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()  # nothing behind ">>"
    for action in toolbar.actions():
        if action.isVisible() and not action.isSeparator():
            widget = toolbar.widgetForAction(action)
            assert widget is not None and widget.isVisible(), action.text()
            assert toolbar.rect().contains(widget.geometry()), action.text()
    # the less used settings are in the menu, one click away
    texts = [a.text() for a in toolbar.menu.actions()]
    assert {"Per interval", "Log scale", "Export PNG image…", "Export CSV data…"} <= set(texts)


# -- the stream's name, once -------------------------------------------------------------------------------------------
def test_a_dashboard_card_names_its_stream_once(qtbot):
    store = procs_store()
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.resize(1300, 700)
    dashboard.show()
    card = dashboard.add_plot(Source("web01 (broker)", store), (H, "procs", "cpu"), "timeseries")
    qtbot.waitExposed(dashboard)
    qtbot.wait(20)
    dashboard.refresh()
    labels = [w for w in card.findChildren(QLabel) if w.isVisible() and "cpu" in w.text()]
    assert len(labels) == 1
    title = labels[0]
    assert title.text() == "web01.procs.cpu"  # wide enough: in full, not elided
    assert "web01 (broker)" in title.toolTip() and "web01.procs.cpu" in title.toolTip()
    # narrow: the stream without its host, then the aggregation alone, then elided; in full in the tooltip
    toolbar = card.panel.toolbar
    for width, shown in ((800, "web01.procs.cpu"), (60 + 10, "cpu")):
        toolbar.title.resize(width, toolbar.title.height())
        assert toolbar.title.text() == shown
    toolbar.set_title("web01.procs.a-very-long-aggregation-name-indeed", "full")
    toolbar.title.resize(70, toolbar.title.height())
    assert toolbar.title.text() == "cpu" and toolbar.title.toolTip().startswith("full")


# -- the redraw budget: every visible panel in its turn -----------------------------------------------------------------
def test_every_visible_panel_redraws_within_one_budget_window(qtbot):
    store = LiveStore()
    streams = [f"s{i}" for i in range(6)]
    for s in streams:
        add_rows(store, range(60), 4, s)
    # a budget so tight that one panel a frame redraws: the panels must take turns
    budget = RedrawBudget(share=0.05, burst=0.002)
    clock = {"now": 100.0}
    budget.clock = lambda: clock["now"]
    budget.last = clock["now"]
    # Costs pinned, as the clock is: the window below is computed from the costs at the first frame, and a
    # redraw that a busy machine made slower later in the loop pushed the last turn past it (a CI flake).
    drawn, note_paint = budget.drawn, budget.note_paint
    budget.drawn = lambda panel, now, seconds, routine=True: drawn(panel, now, 0.003, routine)
    budget.note_paint = lambda panel, seconds: note_paint(panel, 0.003)
    dashboard = Dashboard(budget=budget)
    qtbot.addWidget(dashboard)
    dashboard.resize(1400, 1000)
    dashboard.show()
    source = Source("src", store)
    cards = [dashboard.add_plot(source, (H, "procs", s), "timeseries") for s in streams[:5]]
    hidden_page = dashboard.current_page()
    other = dashboard.new_page("other")  # a card on another tab is not visible
    off_tab = dashboard.add_plot(source, (H, "procs", streams[5]), "timeseries", page=other)
    dashboard.setCurrentWidget(hidden_page)
    qtbot.waitExposed(dashboard)
    for _ in range(3):  # first draws (forced, outside the budget)
        dashboard.refresh()
        qtbot.wait(5)

    def drawn_version(card):
        return card.panel._refresher.version

    add_rows(store, [60], 4, streams[0])
    for s in streams[1:]:
        add_rows(store, [60], 4, s)
    wanted = {id(c): store.version((H, "procs", c.stream[2])) for c in [*cards, off_tab]}
    per_frame = []
    clock["now"] += 1 / 30
    dashboard.refresh()  # the first frame: each panel says how often it wants to redraw
    window = max(budget.window(c.panel, clock["now"]) for c in cards)
    end = clock["now"] + window
    done = 0
    while clock["now"] < end:
        clock["now"] += 1 / 30
        dashboard.refresh()
        now_done = sum(drawn_version(c) == wanted[id(c)] for c in cards)
        per_frame.append(now_done - done)
        done = now_done
        qtbot.wait(1)  # the event loop paints what was drawn
    assert max(per_frame) < len(cards)  # the budget made them take turns ...
    assert all(drawn_version(c) == wanted[id(c)] for c in cards)  # ... and each had its turn in the window
    assert drawn_version(off_tab) != wanted[id(off_tab)]  # the other tab's panel waited


def test_a_plot_scrolled_out_of_view_waits_and_redraws_when_scrolled_back(qtbot):
    store = LiveStore()
    streams = [f"s{i}" for i in range(10)]
    for s in streams:
        add_rows(store, range(30), 3, s)
    budget = RedrawBudget()
    budget.enabled = False
    dashboard = Dashboard(budget=budget)
    qtbot.addWidget(dashboard)
    dashboard.resize(1000, 480)  # two rows of cards show; the fifth is far below the fold
    dashboard.show()
    source = Source("src", store)
    cards = [dashboard.add_plot(source, (H, "procs", s), "timeseries") for s in streams]
    qtbot.waitExposed(dashboard)
    page = dashboard.current_page()
    qtbot.waitUntil(lambda: page.widget().height() > page.viewport().height() + 280)  # laid out: it scrolls
    for s in streams:
        add_rows(store, [30], 3, s)
    dashboard.refresh()
    top = cards[0].panel
    below = [c for c in cards if c.panel.visibleRegion().isEmpty()]
    assert below  # the page scrolls: some cards are out of view
    card = below[-1]
    bottom, stream = card.panel, card.stream
    assert top._refresher.version == store.version((H, "procs", "s0"))
    assert bottom._refresher.version != store.version(stream)  # nobody would see it
    page.ensureWidgetVisible(card)
    qtbot.wait(20)
    dashboard.refresh()
    assert not bottom.visibleRegion().isEmpty()
    assert bottom._refresher.version == store.version(stream)


# -- one item draws every curve of a panel ----------------------------------------------------------------------------
def _pixels_of(image, colour) -> int:
    """How many pixels of ``image`` (a QImage) are exactly ``colour`` (a QColor)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    b, g, r = colour.blue(), colour.green(), colour.red()
    return int(((rows[..., 0] == b) & (rows[..., 1] == g) & (rows[..., 2] == r)).sum())


def test_a_panel_draws_all_its_keys_in_one_item_with_legend_and_readout(panel_at, qtbot):
    store = procs_store(keys=10)
    panel = panel_at(store, (H, "procs", "cpu"), "timeseries", width=1000, height=600)
    panel.set_top(10)
    settle(qtbot, panel)
    chart = panel.chart
    keys = [(p,) for p in PROCS]
    assert sorted(chart.shown) == sorted(keys)
    # one graphics item in the view draws the ten curves; none per key
    per_key = [i for i in chart.vb.addedItems if isinstance(i, (pg.PlotCurveItem, pg.PlotDataItem))]
    assert chart.multi in chart.vb.addedItems and per_key == []
    assert {s.name() for s in chart.multi.series} == set(PROCS)
    for key in keys:  # each curve is its key's series in the store
        x, y = chart.curves[key].getData()
        t, v = store.series((H, "procs", "cpu"), key, "interval")
        np.testing.assert_array_equal(x + chart.t0, t)
        np.testing.assert_array_equal(y, v)
    # and each is on screen: a line across the plot in its colour (a legend sample alone is 21 pixels)
    image = panel.canvas.grab().toImage()
    colours = {key: chart.curves[key].opts["pen"].color() for key in keys}
    assert all(_pixels_of(image, colours[key]) > 200 for key in keys), {
        key[0]: _pixels_of(image, c) for key, c in colours.items()
    }
    # the legend lists the ten, and a click on one hides its curve (and only its curve)
    legend = chart.legend
    assert legend.isVisible() and len(legend.items) == 10
    sample = next(s for s, lb in legend.items if lb.text == "java")
    pos = panel.canvas.mapFromScene(sample.mapToScene(sample.boundingRect().center()))
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))
    settle(qtbot, panel)
    assert ("java",) in panel.hidden and not chart.curves[("java",)].isVisible()
    image = panel.canvas.grab().toImage()
    assert _pixels_of(image, colours[("java",)]) < 30
    assert all(_pixels_of(image, colours[key]) > 200 for key in keys if key != ("java",))
    # the crosshair's readout names every key shown, with its value, and not the hidden one
    text = chart.hover(T0 + 50.2 - chart.t0, 0)
    readout = chart.readout.textItem.toPlainText()
    assert chart.readout.isVisible() and text
    for i, p in enumerate(PROCS):
        value = (10 - i) * 100 + (50 * (i + 3)) % 37
        assert (f"{p}: {value}" in readout) == (p != "java"), (p, readout)


@pytest.mark.parametrize("height", [260, 420, 900])
def test_a_log_axis_labels_decades_and_only_what_fits_between_them(panel_at, qtbot, height):
    """A cumulative byte count over two decades on a log axis: each decade is labelled as numbers are
    elsewhere (10M, 100M), 2 and 5 when there is room; no label over another (9·10⁷ on 8·10⁷ was)."""
    store = LiveStore()
    for t in range(200):
        entries = [[[p], 2e6 * (1 + i) * 1.02**t] for i, p in enumerate(PROCS[:4])]
        store([Snapshot(H, "io", "bytes", "sum", T0 + t, 1.0, True, entries)])
    panel = panel_at(store, (H, "io", "bytes"), "timeseries", height=height)
    panel.set_log(True)  # the ⋯ menu's "Log scale"
    panel.refresh()
    settle(qtbot, panel)
    specs = panel.chart.plot.getAxis("left")._specs[2]
    labels = [text for _rect, _flags, text in specs]
    assert labels, "a log axis with no label"
    assert set(labels) <= {"1M", "2M", "5M", "10M", "20M", "50M", "100M", "200M", "500M", "1G", "2G"} | {
        f"{m}{u}" for m in range(1, 10) for u in ("M", "0M", "00M", "G")
    }, labels
    assert any(text in labels for text in ("10M", "100M", "1G")), labels  # a decade is always named
    rects = sorted((rect for rect, _f, text in specs if text), key=lambda r: r.top())
    assert all(a.bottom() <= b.top() for a, b in itertools.pairwise(rects)), labels
