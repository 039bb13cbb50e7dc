"""Realistic synthetic streams and a window of panels: ``python -m suricate_desktop.gui.plots.demo [CHART ...]``.

The data looks like what the sampler and a latency script send: per-process CPU
time, resident memory and I/O (sum/max, keyed by process name, a silence in the
middle, a few drops), a bimodal disk-latency ``quantize`` keyed by execname (cache
hits around 4-16 µs, disk reads around 1-4 ms, a slow spell), and an ``lquantize``.
With ``--live`` a timer keeps adding one interval a second.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from ...schema import INT64_MAX, INT64_MIN, Snapshot
from ...store.live import LiveStore

HOST = "web01"
PROCS = [
    "postgres",
    "nginx",
    "java",
    "python3",
    "node",
    "sshd",
    "systemd",
    "chrome",
    "Xorg",
    "rsyslogd",
    "containerd",
    "dockerd",
    "kworker/0:1",
    "bash",
    "cron",
    "snapd",
]
LAT_KEYS = ["postgres", "nginx", "java"]


class DemoFeed:
    """Makes one interval of every demo stream at a time."""

    def __init__(self, seed: int = 1):
        self.rng = np.random.default_rng(seed)
        self.weights = np.array([30, 18, 25, 8, 6, 0.5, 0.8, 12, 5, 0.3, 2, 2.5, 0.7, 0.4, 0.1, 0.2])
        self.i = 0

    def interval(self, ts: float, silent_cpu: bool = False, drops: bool = False) -> list[Snapshot]:
        rng, i = self.rng, self.i
        self.i += 1
        wave = 1 + 0.5 * np.sin(i / 40 + np.arange(len(PROCS)))
        burst = 3.0 if 200 <= i % 400 < 230 else 1.0
        cpu = self.weights * wave * rng.gamma(4, 0.25, len(PROCS)) * 10
        cpu[0] *= burst
        out = []
        if not silent_cpu:
            out.append(
                Snapshot(
                    HOST,
                    "sampler",
                    "cpu_time",
                    "sum",
                    ts,
                    1.0,
                    True,
                    [[[p], round(float(c), 2)] for p, c in zip(PROCS, cpu, strict=True) if c > 0.5],
                )
            )
        rss = (self.weights * 2.0e7 + 1e8) * (1 + 0.02 * np.sin(i / 90))
        out.append(
            Snapshot(
                HOST,
                "sampler",
                "rss",
                "max",
                ts,
                1.0,
                True,
                [[[p], float(r)] for p, r in zip(PROCS, rss, strict=True)],
            )
        )
        io = rng.poisson(self.weights * 4000 * burst)
        out.append(
            Snapshot(
                HOST,
                "sampler",
                "io_write_bytes",
                "sum",
                ts,
                1.0,
                True,
                [[[p], int(v)] for p, v in zip(PROCS, io, strict=True) if v],
            )
        )
        out.append(Snapshot(HOST, "iolatency", "lat_ns", "quantize", ts, 1.0, True, self._latency(i)))
        out.append(Snapshot(HOST, "syscalls", "cpu_pct", "lquantize", ts, 1.0, True, self._lquantize(i)))
        out.append(
            Snapshot(
                HOST,
                "syscalls",
                "reads",
                "count",
                ts,
                1.0,
                True,
                [[[p], int(rng.poisson(w * 40))] for p, w in zip(PROCS[:8], self.weights[:8], strict=True)],
            )
        )
        if drops:
            out.append(
                Snapshot(
                    HOST,
                    "suricate-agent",
                    "drops",
                    "count",
                    ts,
                    1.0,
                    True,
                    [[["bpftrace_lost_events"], int(rng.integers(5, 500))], [["publish_buffer"], 12]],
                )
            )
        return out

    def _latency(self, i: int) -> list:
        rng = self.rng
        slow = 1.0 + (2.5 if 300 <= i % 400 < 340 else 0.0)
        entries = []
        for k, name in enumerate(LAT_KEYS):
            n_hit, n_disk = int(rng.poisson(400 * (k + 1))), int(rng.poisson(60 * slow * (1 + k % 2)))
            hits = rng.lognormal(math.log(6000 * (1 + k)), 0.45, n_hit)
            disk = rng.lognormal(math.log(1.6e6 * slow), 0.6, n_disk)
            outliers = rng.lognormal(math.log(6e7), 0.5, int(rng.poisson(0.4)))
            values = np.concatenate([hits, disk, outliers]).astype(np.int64)
            rungs = np.floor(np.log2(np.maximum(values, 1))).astype(int)
            counts = np.bincount(rungs)
            buckets = [[[1 << r, (1 << (r + 1)) - 1], int(c)] for r, c in enumerate(counts) if c]
            entries.append([[name], buckets])
        return entries

    def _lquantize(self, i: int) -> list:
        rng = self.rng
        entries = []
        for k, name in enumerate(LAT_KEYS):
            centre = 20 + 15 * k + 10 * math.sin(i / 60 + k)
            lows = np.floor(rng.normal(centre, 8, 300) / 5).astype(int) * 5
            buckets = []
            under = int((lows < 0).sum())
            if under:
                buckets.append([[INT64_MIN, -1], under])
            inside = lows[(lows >= 0) & (lows < 100)]
            for lo, c in zip(*np.unique(inside, return_counts=True), strict=True):
                buckets.append([[int(lo), int(lo) + 4], int(c)])
            over = int((lows >= 100).sum())
            if over:
                buckets.append([[100, INT64_MAX], over])
            entries.append([[name], buckets])
        return entries


def demo_store(
    seconds: int = 900, end: float | None = None, store: LiveStore | None = None, feed: DemoFeed | None = None
) -> LiveStore:
    """A store with ``seconds`` of history ending at ``end`` (now): a 20 s silence of cpu_time, a few drops.

    ``feed`` made them (a new one if None); give it to keep feeding the store the same series."""
    store = store or LiveStore()
    feed = feed or DemoFeed()
    end = time.time() if end is None else end
    start = math.floor(end) - seconds
    for i in range(seconds):
        ts = float(start + i + 1)
        silent = seconds - 300 <= i < seconds - 280
        drops = i in (seconds - 500, seconds - 120, seconds - 119, seconds - 40)
        store.ingest(feed.interval(ts, silent_cpu=silent, drops=drops))
    return store


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QMainWindow, QWidget

    from . import PlotPanel, RedrawBudget, TimeLink

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "charts",
        nargs="*",
        default=["timeseries:cpu_time", "heatmap:lat_ns", "bars:cpu_time", "histogram:lat_ns"],
    )
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--columns", type=int, default=2)
    parser.add_argument("--window", type=float, default=600)
    parser.add_argument("--size", default="1580x980")
    parser.add_argument(
        "--click", default=None, help="panel,x fraction,y fraction: click there (a heatmap cell)"
    )
    parser.add_argument("--hover", default=None, help="panel,x fraction,y fraction: the mouse rests there")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    feed = DemoFeed()
    store = demo_store(feed=feed)
    sources = {
        "cpu_time": "sampler",
        "rss": "sampler",
        "io_write_bytes": "sampler",
        "lat_ns": "iolatency",
        "cpu_pct": "syscalls",
        "reads": "syscalls",
    }
    window = QMainWindow()
    central = QWidget()
    grid = QGridLayout(central)
    grid.setContentsMargins(4, 4, 4, 4)
    link = TimeLink(window)
    budget = RedrawBudget()  # the panels share one, as a dashboard's do
    panels = []
    status = QLabel()
    for n, spec in enumerate(args.charts):
        chart, _, agg = spec.partition(":")
        options = dict(o.split("=", 1) for o in agg.split("+")[1:])
        agg = agg.split("+")[0]
        panel = PlotPanel(
            store,
            (HOST, sources[agg], agg),
            chart=chart,
            link=link,
            drops=(store, (HOST, "suricate-agent", "drops")),
            budget=budget,
        )
        if options.get("key"):
            panel.set_key((options["key"],))
        if options.get("view"):
            panel.set_view(options["view"])
        if options.get("log"):
            panel.set_log(options["log"] == "1")
        if options.get("top"):
            panel.set_top(int(options["top"]))
        if options.get("window"):
            panel.set_window(float(options["window"]))
        if not options.get("window"):
            panel.set_window(args.window)
        panel.message.connect(status.setText)
        grid.addWidget(panel, n // args.columns, n % args.columns)
        panels.append(panel)
    window.setCentralWidget(central)
    window.statusBar().addWidget(status, 1)
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.move(0, 0)
    window.setWindowTitle("Suricate Desktop — plots demo")
    window.show()

    def tick():
        if args.live:
            store.ingest(feed.interval(float(math.floor(time.time()))))
        for panel in panels:
            panel.refresh()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(33)

    def at(spec):
        index, fx, fy = spec.split(",")
        panel = panels[int(index)]
        (x0, x1), (y0, y1) = panel.chart.vb.viewRange()
        return panel, x0 + float(fx) * (x1 - x0), y0 + float(fy) * (y1 - y0)

    def poke():
        if args.click:
            panel, x, y = at(args.click)
            info = panel.chart.click(x, y)
            if info:
                panel.cellClicked.emit(info)
                status.setText("clicked: " + panel.chart.describe(info))
        if args.hover:
            panel, x, y = at(args.hover)
            text = panel.chart.hover(x, y)
            if text and not args.click:
                status.setText(text)

    if args.click or args.hover:
        QTimer.singleShot(1500, poke)
        QTimer.singleShot(2500, poke)
    return app.exec()  # safe: Qt's event loop, not code execution


if __name__ == "__main__":
    sys.exit(main())
