"""The live plots: each chart shows the store's data, heatmap clicks, pause, log, windows, legend, exports, state."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from suricate_desktop.gui.plots import CHARTS, PlotPanel, TimeLink
from suricate_desktop.gui.plots._data import (
    KeyProjection,
    RowCache,
    bin_rows,
    bucket_ladder,
    time_bins,
)
from suricate_desktop.gui.plots.budget import RedrawBudget
from suricate_desktop.gui.plots.charts import HistogramChart, TimeSeriesChart
from suricate_desktop.gui.plots.heatmap import HeatmapChart
from suricate_desktop.schema import INT64_MAX, INT64_MIN, Snapshot
from suricate_desktop.store.live import LiveStore

T0 = 1_764_280_800.0
H = "web01"
COUNTS = (H, "syscalls", "num")
LAT = (H, "io", "lat")
DROPS = (H, "suricate-agent", "drops")


def counts_store(n: int = 60, keys: int = 5, silent_after: int | None = None) -> LiveStore:
    """count deltas of keys k0..k{keys-1}: key i does i+1 per interval plus a wobble; k0 is the busiest."""
    store = LiveStore()
    for t in range(n):
        ts = T0 + t
        if silent_after is None or t < silent_after:
            entries = [[[f"k{i}"], (keys - i) * 10 + (t % 3)] for i in range(keys)]
            store([Snapshot(H, "syscalls", "num", "count", ts, 1.0, True, entries)])
        # another stream of the same host keeps going: the host's clock moves on
        store([Snapshot(H, "syscalls", "other", "count", ts, 1.0, True, [[["x"], 1]])])
    return store


def latency_store(n: int = 30) -> LiveStore:
    """quantize by execname: bash in [1024, 2047] and [4096, 8191] (no [2048, 4095] seen), sshd in [1024, 2047]."""
    store = LiveStore()
    for t in range(n):
        entries = [
            [["bash"], [[[1024, 2047], 10 + t], [[4096, 8191], 2]]],
            [["sshd"], [[[1024, 2047], 3]]],
        ]
        store([Snapshot(H, "io", "lat", "quantize", T0 + t, 1.0, True, entries)])
    return store


def data(chart, key):
    """A time series curve's (epoch seconds, values): charts draw x = time − chart.t0 (see charts.TimeAxis)."""
    x, y = chart.curves[key].getData()
    return x + chart.t0, y


@pytest.fixture
def make_panel(qtbot):
    def make(store, stream, chart="auto", **kwargs):
        # Tests refresh back to back; the redraw budget (tested on its own) would space those redraws out.
        kwargs.setdefault("budget", RedrawBudget())
        kwargs["budget"].enabled = False
        panel = PlotPanel(store, stream, chart=chart, **kwargs)
        qtbot.addWidget(panel)
        panel.resize(900, 500)
        panel.show()
        qtbot.waitExposed(panel)
        panel.refresh()
        return panel

    return make


# -- each chart shows the store's data ---------------------------------------------------------------------------------
def test_auto_chooses_by_kind(make_panel):
    assert isinstance(make_panel(counts_store(5), COUNTS).chart, TimeSeriesChart)
    assert isinstance(make_panel(latency_store(5), LAT).chart, HeatmapChart)
    stats = LiveStore()
    stats(
        [
            Snapshot(
                H,
                "s",
                "st",
                "stats",
                T0 + i,
                1.0,
                True,
                [[["a"], {"count": 2, "average": 10 + i, "total": 20}]],
            )
            for i in range(5)
        ]
    )
    panel = make_panel(stats, (H, "s", "st"))
    assert isinstance(panel.chart, TimeSeriesChart)
    _x, y = data(panel.chart, ("a",))
    assert y.tolist() == [10, 11, 12, 13, 14]  # stats → the average
    assert set(CHARTS) == {"auto", "timeseries", "bars", "pie", "histogram", "heatmap"}


def test_timeseries_curves_are_the_stores_series_for_the_top_keys(make_panel):
    store = counts_store(60, keys=10)
    panel = make_panel(store, COUNTS, chart="timeseries")
    panel.set_top(3)
    chart = panel.chart
    assert chart.shown == [("k0",), ("k1",), ("k2",)]
    assert set(chart.curves) == {("k0",), ("k1",), ("k2",)}
    for key, _curve in chart.curves.items():
        x, y = data(chart, key)
        t, v = store.series(COUNTS, key, "interval")
        np.testing.assert_array_equal(x, t)
        np.testing.assert_array_equal(y, v)
    panel.set_view("cumulative")
    x, y = data(panel.chart, ("k1",))
    np.testing.assert_array_equal(y, store.series(COUNTS, ("k1",), "cumulative")[1])


def test_new_rows_arrive_incrementally_and_match_a_full_read(make_panel):
    store = counts_store(20)
    panel = make_panel(store, COUNTS)
    calls = []
    real = store.matrix

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(len(out[0]))
        return out

    store.matrix = spy
    for t in range(20, 25):
        store([Snapshot(H, "syscalls", "num", "count", T0 + t, 1.0, True, [[["k0"], 7], [["k3"], 1]])])
        panel.refresh()
    assert (
        calls == [2] * 5
    )  # only the rows since the newest one held (it is read again: a late chunk may merge)
    store([Snapshot(H, "syscalls", "num", "count", T0 + 25, 1.0, True, [[["k9"], 1]])])
    panel.refresh()
    assert calls[-1] == 26  # a new key: the window is read again
    x, y = data(panel.chart, ("k0",))
    t, v = real(COUNTS)[0], store.series(COUNTS, ("k0",))[1]
    np.testing.assert_array_equal(x, t)
    np.testing.assert_array_equal(y, v)


def test_refresh_is_cheap_when_nothing_changed(make_panel):
    store = counts_store(10)
    panel = make_panel(store, COUNTS)
    pulls = []
    real = panel.chart.pull
    panel.chart.pull = lambda *a: (pulls.append(a), real(*a))
    for _ in range(5):
        panel.refresh()
    assert pulls == []
    store([Snapshot(H, "syscalls", "num", "count", T0 + 100, 1.0, True, [[["k0"], 1]])])
    panel.refresh()
    panel.refresh()
    assert len(pulls) == 1


def test_bars_show_the_latest_values_largest_first(make_panel):
    store = counts_store(10, keys=4)
    panel = make_panel(store, COUNTS, chart="bars")
    _times, values, labels = store.matrix(COUNTS)
    latest = {labels[c]: values[-1, c] for c in range(len(labels))}
    assert panel.chart.values == sorted(latest.items(), key=lambda kv: -kv[1])
    widths = panel.chart.bars.opts["width"]
    assert list(widths) == [v for _, v in panel.chart.values]
    header, rows = panel.chart.csv()
    assert header[:2] == ["key", "value"] and rows[0][:2] == ["k0", str(int(latest[("k0",)]))]


def test_pie_shows_shares_of_the_latest_values_with_the_rest_as_other(make_panel):
    store = counts_store(10, keys=5)
    panel = make_panel(store, COUNTS, chart="pie")
    panel.set_top(2)
    names = [n for n, _, _ in panel.chart.values]
    assert names == ["k0", "k1", "other"]
    _, values, _ = store.matrix(COUNTS)
    assert panel.chart.values[2][1] == pytest.approx(values[-1, 2:].sum())
    assert len(panel.chart.slices) == 3
    spans = sum(s.spanAngle() for s in panel.chart.slices)
    assert abs(spans - 360 * 16) <= 3


def test_histogram_bars_are_the_latest_buckets_on_a_full_ladder(make_panel):
    store = latency_store(5)
    panel = make_panel(store, LAT, chart="histogram")
    chart = panel.chart
    assert isinstance(chart, HistogramChart)
    assert chart.rows == [(1024, 2047), (2048, 4095), (4096, 8191)]  # the empty rung in between is shown
    assert chart.bars.opts["height"].tolist() == [14 + 3, 0, 2]
    panel.set_key(("sshd",))
    assert panel.chart.rows == [(1024, 2047)] and panel.chart.counts.tolist() == [3]
    panel.set_key(None)
    panel.set_view("cumulative")
    assert panel.chart.counts.tolist() == [sum(10 + t for t in range(5)) + 15, 0, 10]


def test_heatmap_image_is_time_by_bucket_with_a_log2_y_axis(make_panel):
    store = latency_store(30)
    panel = make_panel(store, LAT, chart="heatmap")
    chart = panel.chart
    assert chart.scale == "log2"
    assert chart.rows == [(1024, 2047), (2048, 4095), (4096, 8191)]
    assert all(hi + 1 == 2 * lo for lo, hi in chart.rows)
    image = chart.image.image
    assert image.shape == chart.counts.shape == (30, 3)  # (time, bucket), one column per interval
    _times, _edges, counts = store.buckets(LAT)
    np.testing.assert_array_equal(chart.counts[:, 0], counts[:, 0])
    np.testing.assert_array_equal(chart.counts[:, 2], counts[:, 1])
    assert (chart.counts[:, 1] == 0).all() and np.isnan(image[:, 1]).all()  # empty cells are blank
    # log-scaled counts on a fixed colour map, levels set by us
    np.testing.assert_allclose(image[:, 0], np.log1p(counts[:, 0]), rtol=1e-6)
    assert chart.image.levels is not None and chart.image.lut is not None
    rect = chart.image.mapRectToParent(chart.image.boundingRect())
    assert rect.left() + chart.t0 == pytest.approx(T0 - 1) and rect.right() + chart.t0 == pytest.approx(
        T0 + 29
    )
    assert rect.top() == 0 and rect.bottom() == 3


def test_heatmap_key_selector_shows_one_key(make_panel):
    store = latency_store(10)
    panel = make_panel(store, LAT)
    assert [panel.key_box.itemText(i) for i in range(panel.key_box.count())] == [
        "all keys",
        "bash",
        "sshd",
    ]
    panel.key_box.setCurrentIndex(2)
    panel.key_box.activated.emit(2)
    assert panel.key == ("sshd",)
    assert panel.chart.rows == [(1024, 2047)] and (panel.chart.counts[:, 0] == 3).all()


def test_heatmap_columns_are_merged_to_the_plots_width(make_panel):
    store = LiveStore(capacity=5000)
    store(
        [
            Snapshot(H, "io", "lat", "quantize", T0 + t, 1.0, True, [[["a"], [[[1, 1], 1]]]])
            for t in range(4000)
        ]
    )
    panel = make_panel(store, LAT)
    panel.set_window(None)
    chart = panel.chart
    assert chart.counts.shape[0] <= chart.vb.width() + 2
    assert chart.width == pytest.approx(math.ceil(4000 / chart.vb.width()))
    assert chart.counts.sum() == 4000  # merged, nothing lost


def test_a_click_on_a_heatmap_cell_reports_its_bucket_time_and_keys(make_panel, qtbot):
    store = latency_store(30)
    panel = make_panel(store, LAT)
    chart = panel.chart
    t = T0 + 12
    x = t - 0.5  # the middle of the interval that ends at t
    y = 0.5  # row 0: [1024, 2047]
    scene = chart.vb.mapViewToScene(QPointF(x - chart.t0, y))
    pos = panel.canvas.mapFromScene(scene)
    messages = []
    panel.message.connect(messages.append)
    with qtbot.waitSignal(panel.cellClicked, timeout=2000) as blocker:
        qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))
    info = blocker.args[0]
    assert (info["low"], info["high"]) == (1024, 2047)
    assert info["time"] == t and info["end"] == t
    assert info["count"] == (10 + 12) + 3
    assert info["per_key"] == {("bash",): 22, ("sshd",): 3}
    assert "1024..2047" in messages[-1] and "bash 22" in messages[-1]
    # the empty rung: a count of 0 and no keys
    vx = x - chart.t0  # view coordinates
    assert chart.click(vx, 1.5)["count"] == 0 and chart.click(vx, 1.5)["per_key"] == {}
    assert chart.click(vx, 2.5)["per_key"] == {("bash",): 2}
    assert chart.click(T0 + 500 - chart.t0, 0.5) is None


# -- controls ------------------------------------------------------------------------------------------------------------
def test_pause_stops_updates_and_resume_catches_up(make_panel):
    store = counts_store(10)
    panel = make_panel(store, COUNTS)
    panel.pause_action.trigger()
    assert panel.paused
    store([Snapshot(H, "syscalls", "num", "count", T0 + 10, 1.0, True, [[["k0"], 99]])])
    panel.refresh()
    assert len(data(panel.chart, ("k0",))[0]) == 10
    panel.pause_action.trigger()
    panel.refresh()
    x, y = data(panel.chart, ("k0",))
    assert len(x) == 11 and y[-1] == 99


def test_log_scale_toggles(make_panel):
    panel = make_panel(counts_store(10), COUNTS)
    assert not panel.log
    raw = data(panel.chart, ("k0",))[1]
    panel.log_action.trigger()
    assert panel.log and panel.chart.plot.getAxis("left").logMode
    np.testing.assert_allclose(data(panel.chart, ("k0",))[1], np.log10(raw))
    assert panel.chart.vb.viewRange()[1][1] < 2  # the y axis is in decades now (values 40..42)
    panel.log_action.trigger()
    assert not panel.chart.plot.getAxis("left").logMode
    np.testing.assert_array_equal(data(panel.chart, ("k0",))[1], raw)
    heat = make_panel(latency_store(5), LAT)
    assert heat.log  # heatmaps start with log-scaled colours
    counts = heat.chart.counts[:, 0]
    np.testing.assert_allclose(heat.chart.image.image[:, 0], np.log1p(counts), rtol=1e-6)
    heat.set_log(False)
    np.testing.assert_allclose(heat.chart.image.image[:, 0], counts, rtol=1e-6)


def test_time_window_limits_the_x_range_to_the_newest_data(make_panel):
    store = counts_store(600)
    panel = make_panel(store, COUNTS)
    panel.set_window(60)
    newest = T0 + 599
    assert panel.time_range() == pytest.approx([newest - 60, newest])
    x, _ = data(panel.chart, ("k0",))
    assert x[0] >= newest - 60 and x[-1] == newest
    panel.window_box.setCurrentIndex(panel.window_box.findData(300.0))
    panel.window_box.activated.emit(panel.window_box.currentIndex())
    assert panel.window == 300 and panel.time_range() == pytest.approx([newest - 300, newest])


def test_hide_a_key_by_clicking_its_legend_entry(make_panel, qtbot):
    panel = make_panel(counts_store(10, keys=3), COUNTS)
    chart = panel.chart
    sample, label = chart.legend.items[1]
    assert label.text == "k1"
    scene = sample.mapToScene(sample.boundingRect().center())
    pos = panel.canvas.mapFromScene(scene)
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))
    assert ("k1",) in panel.hidden
    assert not chart.curves[("k1",)].isVisible() and chart.curves[("k0",)].isVisible()
    assert panel.state()["hidden"] == [["k1"]]
    # stays hidden as new data comes in; exported CSV leaves it out
    panel.store([Snapshot(H, "syscalls", "num", "count", T0 + 50, 1.0, True, [[["k1"], 5]])])
    panel.refresh()
    assert not chart.curves[("k1",)].isVisible()
    assert "k1" not in chart.csv()[0]
    panel.toggle_key(("k1",))
    assert chart.curves[("k1",)].isVisible()


# -- time link ------------------------------------------------------------------------------------------------------------
def test_linked_panels_zoom_together_and_end_resumes_following(make_panel, qtbot):
    store = counts_store(300)
    link = TimeLink()
    a = make_panel(store, COUNTS, link=link)
    b = make_panel(store, (H, "syscalls", "other"), link=link)
    follow = []
    link.followChanged.connect(follow.append)
    vb = a.chart.vb
    vb.setXRange(T0 + 100 - a.chart.t0, T0 + 150 - a.chart.t0, padding=0)
    vb.sigRangeChangedManually.emit([True, False])  # what a wheel or a drag emits
    assert not link.follow and follow == [False]
    assert b.time_range() == pytest.approx([T0 + 100, T0 + 150])
    store([Snapshot(H, "syscalls", "other", "count", T0 + 300, 1.0, True, [[["x"], 1]])])
    b.refresh()
    assert b.time_range() == pytest.approx([T0 + 100, T0 + 150])  # fixed while not following
    assert not a.follow_action.isChecked()
    qtbot.keyClick(a.canvas, Qt.Key.Key_End)
    assert link.follow and follow == [False, True]
    assert b.time_range() == pytest.approx([T0 + 300 - 300, T0 + 300])


def test_double_click_resumes_following(make_panel, qtbot):
    panel = make_panel(counts_store(100), COUNTS)
    panel.link.set_range(T0, T0 + 10)
    center = panel.canvas.mapFromScene(panel.chart.vb.sceneBoundingRect().center())
    viewport, pos = panel.canvas.viewport(), QPoint(center.x(), center.y())
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert not panel.link.follow  # a single click does not
    # what a real double-click delivers after the first click (QTest's mouseDClick sends no release)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert panel.link.follow
    assert panel.time_range() == pytest.approx([T0 + 99 - 300, T0 + 99])


# -- gaps and drops ---------------------------------------------------------------------------------------------------------
def test_a_silent_stream_gets_a_shaded_gap(make_panel):
    store = counts_store(60, silent_after=40)  # num stops at T0+39, its host goes on to T0+59
    panel = make_panel(store, COUNTS)
    assert panel.gaps == [(T0 + 39, T0 + 59)]
    visible = [r for r in panel.time_marks.gap_items if r.isVisible()]
    assert len(visible) == 1 and np.add(visible[0].getRegion(), panel.chart.t0).tolist() == pytest.approx(
        [T0 + 39, T0 + 59]
    )
    assert "no data for 20 s" in visible[0].toolTip()
    # and an inner silence, which also breaks the curve
    store2 = LiveStore()
    store2(
        [Snapshot(H, "s", "a", "count", T0 + t, 1.0, True, [[["k"], 1]]) for t in [*list(range(10)), 20, 21]]
    )
    panel2 = make_panel(store2, (H, "s", "a"))
    assert panel2.gaps == [(T0 + 9, T0 + 20)]
    _x, y = data(panel2.chart, ("k",))
    assert np.isnan(y).sum() == 1


def test_an_empty_interval_while_the_host_sends_is_no_grey_band(make_panel):
    """bpftrace prints nothing for an empty map: a stream of events skips intervals while its host goes on."""
    store = LiveStore()
    for t in range(40):
        snaps = [Snapshot(H, "s", "busy", "count", T0 + t, 1.0, True, [[["x"], 1]])]
        if t < 10 or t >= 20:  # nothing happened from T0+10 to T0+19
            snaps.append(Snapshot(H, "s", "execs", "count", T0 + t, 1.0, True, [[["sh"], 2]]))
        store(snaps)
    panel = make_panel(store, (H, "s", "execs"))
    assert panel.gaps == []
    assert not [r for r in panel.time_marks.gap_items if r.isVisible()]


def test_drops_get_red_markers_with_their_causes(make_panel, qtbot):
    store = counts_store(30)
    store(
        [
            Snapshot(
                H,
                "suricate-agent",
                "drops",
                "count",
                T0 + 5,
                1.0,
                True,
                [[["publish_buffer"], 12], [["bpftrace_lost_events"], 3]],
            ),
            Snapshot(H, "suricate-agent", "drops", "count", T0 + 20, 1.0, True, [[["publish_buffer"], 4]]),
        ]
    )
    panel = make_panel(store, COUNTS, drops=(store, DROPS))
    assert [t for t, _ in panel.drop_marks] == [T0 + 5, T0 + 20]
    assert (
        "publish_buffer: 12" in panel.drop_marks[0][1] and "bpftrace_lost_events: 3" in panel.drop_marks[0][1]
    )
    x, y = panel.time_marks.drop_scatter.getData()
    assert (x + panel.chart.t0).tolist() == [T0 + 5, T0 + 20]
    assert panel.time_marks.drop_scatter.points()[0].data() == panel.drop_marks[0][1]
    # along the bottom of the plot, inside its view
    (y0, y1) = panel.chart.vb.viewRange()[1]
    assert all(y0 < v < y0 + 0.1 * (y1 - y0) for v in y)


# -- export and state ----------------------------------------------------------------------------------------------------------
def test_exports_write_png_svg_and_csv(make_panel, tmp_path):
    store = counts_store(20, keys=3)
    panel = make_panel(store, COUNTS)
    panel.set_window(None)  # all of it: the 20 s span the plot's width
    panel.export_png(tmp_path / "p.png")
    image = QImage(str(tmp_path / "p.png"))
    assert not image.isNull() and image.width() >= 400
    panel.export_svg(tmp_path / "p.svg")
    svg = (tmp_path / "p.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "k0" in svg
    # every curve is there, drawn inside the picture (pixel coordinates, not epoch seconds that collapse)
    import xml.dom.minidom

    doc = xml.dom.minidom.parseString(svg)
    width = float(doc.documentElement.getAttribute("width").rstrip("px") or 0) or 2000
    for key in (("k0",), ("k1",), ("k2",)):
        colour = panel.colour(key).lower()
        groups = [g for g in doc.getElementsByTagName("g") if g.getAttribute("stroke").lower() == colour]
        paths = [p.getAttribute("d") for g in groups for p in g.getElementsByTagName("path")]
        xs = [float(tok.lstrip("ML").split(",")[0]) for d in paths for tok in d.split() if "," in tok]
        assert len(xs) >= 20, key  # the curve (the legend sample alone has 2 points)
        assert min(xs) >= 0 and max(xs) <= width and max(xs) - min(xs) > 100
    panel.export_csv(tmp_path / "p.csv")
    rows = list(csv.reader(open(tmp_path / "p.csv")))
    assert rows[0] == ["time", "epoch", "k0", "k1", "k2"]
    assert len(rows) == 21
    times, values, _labels = store.matrix(COUNTS)
    assert rows[1][0] == "2025-11-27T22:00:00.000Z" and float(rows[1][1]) == times[0]
    assert [float(v) for v in rows[5][2:]] == values[4].tolist()

    heat = make_panel(latency_store(4), LAT)
    heat.export_csv(tmp_path / "h.csv")
    rows = list(csv.reader(open(tmp_path / "h.csv")))
    assert rows[0] == ["time", "epoch", "1024..2047", "2048..4095", "4096..8191"]
    assert rows[2][2:] == ["14", "0", "2"]
    heat.export_png(tmp_path / "h.png")
    assert not QImage(str(tmp_path / "h.png")).isNull()

    hist = make_panel(latency_store(4), LAT, chart="histogram")
    hist.export_csv(tmp_path / "hist.csv")
    rows = list(csv.reader(open(tmp_path / "hist.csv")))
    assert rows[1] == ["1024", "2047", "1024..2047", "16"] and rows[2][3] == "0"


def test_state_round_trips(make_panel):
    store = latency_store(10)
    a = make_panel(store, LAT)
    a.set_key(("bash",))
    a.set_window(900)
    a.set_log(False)
    a.set_view("cumulative")
    a.set_top(5)
    a.set_hidden([("x",)])
    a.set_legend(False)
    a.set_paused(True)
    state = a.state()
    assert state == {
        "stream": list(LAT),
        "chart": "auto",
        "view": "cumulative",
        "paused": True,
        "log": False,
        "window": 900.0,
        "hidden": [["x"]],
        "key": ["bash"],
        "field": "average",
        "top": 5,
        "legend": False,
    }
    b = make_panel(store, LAT)
    b.restore(state)
    assert b.state() == state
    assert b.paused and b.pause_action.isChecked()
    assert b.key_box.currentText() == "bash" and b.window_box.currentText() == "15 min"
    assert b.chart.counts.size  # drew once before pausing
    c = make_panel(store, LAT, chart="histogram")
    c.restore({"chart": "timeseries", "window": None, "unknown": 1})
    assert isinstance(c.chart, TimeSeriesChart) and c.window is None and c.window_box.currentText() == "all"


def test_waits_for_a_stream_that_does_not_exist_yet(make_panel):
    store = LiveStore()
    panel = make_panel(store, COUNTS)
    assert panel.chart is None
    store([Snapshot(H, "syscalls", "num", "count", T0, 1.0, True, [[["k0"], 1]])])
    panel.refresh()
    assert isinstance(panel.chart, TimeSeriesChart)
    assert data(panel.chart, ("k0",))[1].tolist() == [1]


def test_long_windows_are_decimated_to_the_plot_width_keeping_peaks(make_panel):
    store = LiveStore(capacity=20_000)
    values = np.zeros(10_000)
    values[7_777] = 500.0  # one spike
    store(
        [
            Snapshot(H, "s", "a", "count", T0 + i, 1.0, True, [[["k"], float(values[i])]])
            for i in range(10_000)
        ]
    )
    panel = make_panel(store, (H, "s", "a"))
    panel.set_window(None)
    chart = panel.chart
    x, y = data(chart, ("k",))
    assert len(x) <= 2 * chart.vb.width() + 4 and chart.points_per_row > 1
    assert y.max() == 500.0  # the peak survives
    assert chart.vb.viewRange()[1][1] >= 500.0
    # zoomed in, the rows inside the view are drawn as they are (clipped to the view)
    panel.link.set_range(T0 + 7_700, T0 + 7_800)
    panel.refresh()
    x, y = data(chart, ("k",))
    assert chart.points_per_row == 1 and x[0] == T0 + 7_699 and x[-1] == T0 + 7_801


def test_crosshair_reads_values_under_the_mouse(make_panel):
    panel = make_panel(counts_store(10, keys=2), COUNTS)
    text = panel.chart.hover(T0 + 3.2 - panel.chart.t0, 0)
    assert "k0: 20" in text and "k1: 10" in text
    assert panel.chart.crosshair.value() + panel.chart.t0 == T0 + 3
    assert abs(panel.chart.t0 - T0) < 86400  # x is seconds from an origin near the data, not epoch seconds


# -- the numbers behind the plots -------------------------------------------------------------------------------------------------
def test_bucket_ladders():
    rows, index, scale = bucket_ladder("quantize", [(-3, -2), (0, 0), (4, 7)])
    assert scale == "log2" and rows == [(-3, -2), (-1, -1), (0, 0), (1, 1), (2, 3), (4, 7)]
    assert index.tolist() == [0, 2, 5]
    rows, _, scale = bucket_ladder("hist", [(INT64_MIN, -1), (0, 0), (8, 15), (16, INT64_MAX)])
    assert scale == "log2" and rows[0] == (INT64_MIN, -1) and rows[-1] == (16, INT64_MAX) and (2, 3) in rows
    rows, _, scale = bucket_ladder("lquantize", [(INT64_MIN, -1), (0, 9), (30, 39), (100, INT64_MAX)])
    assert scale == "linear" and rows == [
        (INT64_MIN, -1),
        (0, 9),
        (10, 19),
        (20, 29),
        (30, 39),
        (100, INT64_MAX),
    ]
    rows, _, scale = bucket_ladder("llquantize", [(10, 19), (100, 199)])
    assert scale == "buckets" and rows == [(10, 19), (100, 199)]


def test_time_bins_follow_the_snapshots_phase_and_merge_to_the_width():
    times = T0 + 0.3 + np.arange(10.0)
    origin, width, ncols, cols = time_bins(times, 1.0, times[-1] - 10, times[-1], 600)
    assert width == 1 and cols.tolist() == list(range(ncols - 10, ncols))
    assert origin + (cols[-1] + 1) * width == pytest.approx(times[-1])  # a column ends at its snapshot
    origin, width, ncols, cols = time_bins(times, 1.0, times[-1] - 10, times[-1], 3)
    assert width == 4 and ncols <= 4
    img, filled = bin_rows(np.ones((10, 1)), cols, ncols)
    assert img.sum() == 10 and filled.sum() == len(set(cols.tolist()))


def test_row_cache_fetches_only_what_is_new():
    store = counts_store(50)
    cache = RowCache(store.capacity)
    proj = KeyProjection("count")
    seen = []

    def fetch(since):
        t, v, labels = store.matrix(COUNTS, since=since)
        seen.append(len(t))
        proj.prepare(labels)
        return t, proj(v), len(labels), list(proj.keys)

    cache.update(fetch, T0 + 10)
    assert len(cache.times) == 40 and seen == [40]
    store([Snapshot(H, "syscalls", "num", "count", T0 + 50, 1.0, True, [[["k0"], 1]])])
    cache.update(fetch, T0 + 20)
    assert seen[-1] == 2 and cache.times[0] == T0 + 20 and cache.times[-1] == T0 + 50
    store([Snapshot(H, "syscalls", "num", "count", T0 + 51, 1.0, True, [[["new"], 1]])])
    cache.update(fetch, T0 + 20)  # a new key: the window is read again
    assert seen[-1] == 32 and cache.values.shape[1] == 6
    _t, v, _ = store.matrix(COUNTS, since=T0 + 20)
    np.testing.assert_array_equal(cache.values, v)


def test_redraw_budget_spaces_out_redraws_under_load_and_lets_panels_take_turns():
    budget = RedrawBudget(share=0.5, burst=0.02)
    budget.last = 100.0  # simulated clock
    panels = [type("P", (), {})() for _ in range(10)]
    now = 100.0
    for p in panels:  # each redraw costs 10 ms of GUI time: 5 ms drawing, 5 ms painting
        budget.tokens = budget.burst
        assert budget.allow(p, now)
        budget.drawn(p, now, 0.005)
        budget.note_paint(p, 0.005)
    # ten busy panels × 10 ms ÷ 0.5 share: each waits 0.2 s between redraws
    assert budget.interval(panels[0], now) == pytest.approx(0.2)
    assert not budget.allow(panels[0], now + 0.05)
    budget.forget(panels[0])
    # two simulated seconds of 30 fps frames, every panel always with something new to draw
    drawn = {id(p): 0 for p in panels}
    per_frame = []
    t = now
    spent = 0.0
    for _frame in range(60):
        t += 1 / 30
        n = 0
        for p in panels:
            if budget.allow(p, t):
                budget.drawn(p, t, 0.005)  # its paint is charged now, on its estimate
                drawn[id(p)] += 1
                spent += 0.010
                n += 1
        for p in panels:  # the event loop paints what was drawn
            if p in budget._paint_due:
                budget.note_paint(p, 0.005)
        per_frame.append(n)
    assert spent <= 0.5 * 2.0 + 0.03  # within the share
    assert max(per_frame) <= 3  # no pile-up in one frame
    assert min(drawn.values()) >= 5 and max(drawn.values()) - min(drawn.values()) <= 2  # turns, fairly
    # a panel nobody refreshes any more (closed, replaced) does not hold the queue
    gone = type("P", (), {})()
    budget.allow(gone, t)
    budget.tokens = budget.burst
    t += 2.0
    assert budget.allow(panels[0], t)
    budget.enabled = False
    assert budget.allow(panels[0], t)


def test_a_dearer_panel_redraws_at_its_streams_rate_when_every_redraw_fits():
    budget = RedrawBudget()  # the defaults a dashboard uses
    budget.last = 100.0  # simulated clock
    cheap = [type("P", (), {})() for _ in range(9)]
    dear = type("P", (), {})()
    panels = [*cheap, dear]
    cost = {id(p): 0.0005 for p in cheap} | {id(dear): 0.005}  # drawing; painting costs as much again
    drawn = {id(p): 0 for p in panels}
    t = 100.0
    for _frame in range(90):  # three seconds at 30 fps, every panel on a 0.1 s stream, always with new rows
        t += 1 / 30
        for p in panels:
            if budget.allow(p, t, every=0.1):
                budget.drawn(p, t, cost[id(p)])
                drawn[id(p)] += 1
        for p in panels:
            if p in budget._paint_due:
                budget.note_paint(p, cost[id(p)])
    # one redraw of all ten takes 19 ms, well inside a tenth of a second: the dear panel is not held back
    # (busy panels × its own cost ÷ share would have spaced it 111 ms apart, 7.5 a second at 30 fps)
    assert drawn[id(dear)] >= 28
    assert min(drawn.values()) >= 28


def test_one_frame_carries_at_most_the_burst_when_every_panel_falls_due_at_once():
    # 35 panels whose streams all send every 0.1 s fall due in the same frame. The clock moves while each
    # redraws, so the bucket refills as the frame goes on: the frame itself must still stop at the burst
    # (35 redraws in one frame blocked the event loop for 40-60 ms), and every panel keep its stream's rate.
    budget = RedrawBudget()  # the defaults a dashboard uses
    budget.last = 100.0  # simulated clock
    panels = [type("P", (), {})() for _ in range(35)]
    drawn = {id(p): 0 for p in panels}
    per_frame = []
    for frame in range(60):  # two seconds at 30 fps
        now = 100.0 + (frame + 1) / 30
        spent = 0.0
        for p in panels:
            if budget.allow(p, now, every=0.1):
                budget.drawn(p, now, 0.001)  # 1 ms of drawing, during which the clock moves on
                now += 0.001
                spent += 0.0015
                drawn[id(p)] += 1
        for p in panels:  # the event loop paints what was drawn: half a millisecond each
            if p in budget._paint_due:
                budget.note_paint(p, 0.0005)
        per_frame.append(spent)
    assert max(per_frame) <= budget.burst + 0.0015
    assert min(drawn.values()) >= 19  # about ten a second each


def test_a_panel_not_yet_due_does_not_hold_back_one_that_is():
    budget = RedrawBudget(share=0.5, burst=0.02)
    budget.last = 100.0  # simulated clock
    slow, fast = type("P", (), {})(), type("P", (), {})()
    budget.allow(slow, 100.0, every=1.0)  # a one-second stream
    budget.drawn(slow, 100.0, 0.001)
    budget.note_paint(slow, 0.001)
    budget.allow(fast, 100.0, every=0.1)  # a tenth-of-a-second stream
    budget.drawn(fast, 100.0, 0.001)
    budget.note_paint(fast, 0.001)
    # The slow panel asks first at every frame (it has new rows) but is not due for a second; the fast one
    # is due after 0.1 s and must get its turn then, not wait behind the slow one.
    t, fast_drawn = 100.0, 0
    for _frame in range(15):  # half a second of frames
        t += 1 / 30
        budget.tokens = budget.burst
        assert not budget.allow(slow, t)
        if budget.allow(fast, t):
            budget.drawn(fast, t, 0.001)
            budget.note_paint(fast, 0.001)
            fast_drawn += 1
    assert fast_drawn >= 4  # every 0.1 s (less a frame's jitter), as its stream
