"""The GUI thread under live ingestion: event-loop latency and frame rate of the live plots.

Runs of the same screen, each for ``--seconds`` after a warm-up, offscreen
(QT_QPA_PLATFORM=offscreen, QPainter rasterising into the backing store, the
"events" mode of docs/performance-anchors.md §3):

live
    PlotPanels (25 time series with the top 8 keys each = 200 drawn series, and
    10 latency heatmaps), one TimeLink, a 30 fps frame timer calling
    ``refresh()``, inside Qt's event loop; meanwhile a feeder thread does what the
    consumer thread does: decodes JSON bodies (``schema.decode``, msgspec
    validation) and ingests them into the LiveStore at ``--rate`` records/s
    (50,000). Every stream sends a snapshot every ``--interval`` s (0.1): the 25
    scalar streams carry ``--keys`` keys each (160; the panels draw the busiest 8),
    the 10 quantize streams ``--heat-keys`` keys (100) of up to 16 buckets each,
    summed in the heatmap. The store is pre-filled with ``--window`` seconds so
    every plot starts full. Records are entries, as ``LiveStore.records`` counts.
tuned
    The same, with the two interpreter settings a GUI sharing its process with a
    busy consumer thread wants (they belong in gui/app.py): a higher gen-0 GC
    threshold plus ``gc.freeze()`` once the window is built (else decoded batches
    get promoted and full collections of tens of ms, GIL held, stall the GUI), and
    a 1 ms GIL switch interval (else the consumer keeps the GIL 5 ms at a time).
memory
    The same plots as bare pyqtgraph (25 plots × 8 PlotDataItems with clipToView
    and autoDownsample, 10 ImageItems, same sizes and points), fed precomputed
    in-memory arrays, each plot redrawn as often as the last live run redrew its
    panels (staggered), same 30 fps timer; no store, no thread, no ingestion: the
    bare library doing the same drawing work, the yardstick for the ratio.

Under load the panels do not redraw at their streams' rate: they share a
redraw budget (half the GUI thread; gui/plots/budget.py RedrawBudget), so the
frame timer and the event loop keep their pace and each panel redraws less
often. The table says how often they managed.

Event-loop latency: a PreciseTimer every 5 ms notes how late it fires (a
blocked loop makes it late); p50, p99 and max of the lateness. Frame rate:
frame-timer ticks completed per second. Other processes on the machine count:
run it on a quiet machine, or compare runs made together.

Usage: python bench/gui.py [--seconds 10] [--rate 50000] [--runs live,tuned,memory]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QGridLayout, QMainWindow, QWidget

from suricate_desktop.gui.plots import PlotPanel, RedrawBudget, TimeLink
from suricate_desktop.schema import Snapshot, decode, encode
from suricate_desktop.store.live import LiveStore

HOST = "bench"
N_SERIES_PANELS = 25
N_HEATMAPS = 10
TOP = 8
BUCKETS = 16
FPS = 30
PROBE_MS = 5
COLUMNS = 7
SIZE = (1900, 1060)


# -- workload ---------------------------------------------------------------------------------------------------------
def scalar_stream(i: int) -> tuple[str, str, str]:
    return (HOST, "syscalls", f"s{i:02d}")


def heat_stream(i: int) -> tuple[str, str, str]:
    return (HOST, "io", f"lat{i:02d}")


def body_pool(args, variants: int = 8) -> dict[tuple, list[bytes]]:
    """Encoded bodies per stream (a few variants each; the feeder sets the time after decoding)."""
    rng = np.random.default_rng(3)
    pool: dict[tuple, list[bytes]] = {}
    weights = rng.pareto(1.2, args.keys) + 0.1
    for i in range(N_SERIES_PANELS):
        stream = scalar_stream(i)
        bodies = []
        for _ in range(variants):
            values = rng.poisson(weights * 50)
            entries = [[[f"proc{k:03d}"], int(x)] for k, x in enumerate(values)]
            bodies.append(encode(Snapshot(*stream, "count", 0.0, args.interval, True, entries)))
        pool[stream] = bodies
    for i in range(N_HEATMAPS):
        stream = heat_stream(i)
        bodies = []
        for _ in range(variants):
            entries = []
            for k in range(args.heat_keys):
                counts = rng.poisson(np.exp(-0.5 * ((np.arange(BUCKETS) - 8 - k % 4) / 2.0) ** 2) * 40)
                entries.append(
                    [
                        [f"exec{k:03d}"],
                        [[[1 << b, (1 << (b + 1)) - 1], int(c)] for b, c in enumerate(counts, start=8) if c],
                    ]
                )
            bodies.append(encode(Snapshot(*stream, "quantize", 0.0, args.interval, True, entries)))
        pool[stream] = bodies
    return pool


def len_plots(args) -> int:
    return N_SERIES_PANELS + N_HEATMAPS


def records_per_round(args) -> int:
    return N_SERIES_PANELS * args.keys + N_HEATMAPS * args.heat_keys


class Feeder(threading.Thread):
    """The consumer thread's work: decode bodies, ingest them, at the target rate, in simulated time."""

    def __init__(self, store: LiveStore, pool: dict, interval: float, t0: float, rate: float, per_round: int):
        super().__init__(name="bench-feeder", daemon=True)
        self.store, self.pool, self.interval, self.t0 = store, pool, interval, t0
        self.period = per_round / rate  # seconds between rounds (one snapshot per stream) at the target rate
        self.stop_event = threading.Event()
        self.rounds = 0
        self.busy = 0.0

    def run(self):
        streams = list(self.pool)
        start = time.perf_counter()
        while not self.stop_event.is_set():
            due = int((time.perf_counter() - start) / self.period) + 1
            while self.rounds < due and not self.stop_event.is_set():
                t = time.perf_counter()
                ts = self.t0 + self.rounds * self.interval
                batch = []
                for n, stream in enumerate(streams):
                    snap = decode(self.pool[stream][(self.rounds + n) % len(self.pool[stream])])
                    snap.ts = ts
                    batch.append(snap)
                    if len(batch) >= 5:
                        self.store.ingest(batch)
                        batch = []
                if batch:
                    self.store.ingest(batch)
                self.rounds += 1
                self.busy += time.perf_counter() - t
            time.sleep(0.002)


def prefill(store: LiveStore, pool: dict, interval: float, rows: int, t_end: float) -> None:
    streams = list(pool)
    for r in range(rows):
        ts = t_end - (rows - r) * interval
        batch = []
        for n, stream in enumerate(streams):
            snap = decode(pool[stream][(r + n) % len(pool[stream])])
            snap.ts = ts
            batch.append(snap)
        store.ingest(batch)


# -- measuring ----------------------------------------------------------------------------------------------------------
class Probe(QObject):
    """Lateness of a 5 ms PreciseTimer, and paints of the plots' viewports."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.late: list[float] = []
        self.last = None
        self.paints = 0
        self.recording = False

    def start(self):
        self.timer.start(PROBE_MS)

    def _tick(self):
        now = time.perf_counter()
        if self.last is not None and self.recording:
            self.late.append(max(0.0, (now - self.last) * 1000 - PROBE_MS))
        self.last = now

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.recording:
            self.paints += 1
        return False


def run_loop(app, frame, probe: Probe, warmup: float, seconds: float, on_begin=None, on_end=None) -> dict:
    """Run Qt's event loop with the frame timer for warm-up + seconds; measure after the warm-up."""
    frames = {"n": 0, "ms": []}
    marks = {}

    def tick():
        t = time.perf_counter()
        frame()
        if probe.recording:
            frames["n"] += 1
            frames["ms"].append((time.perf_counter() - t) * 1000)

    def begin():
        probe.recording = True
        marks["t0"], marks["cpu0"] = time.perf_counter(), time.process_time()
        marks["gui0"] = time.thread_time()  # this runs on the GUI thread
        marks["load0"] = os.getloadavg()[0]
        if on_begin:
            on_begin()

    def end():
        probe.recording = False
        marks["t1"], marks["cpu1"] = time.perf_counter(), time.process_time()
        marks["gui1"] = time.thread_time()
        marks["load1"] = os.getloadavg()[0]
        if on_end:
            on_end()
        loop.quit()

    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(int(1000 / FPS))
    probe.start()
    QTimer.singleShot(int(warmup * 1000), begin)
    QTimer.singleShot(int((warmup + seconds) * 1000), end)
    loop.exec()
    timer.stop()
    probe.timer.stop()
    elapsed = marks["t1"] - marks["t0"]
    late = np.array(probe.late) if probe.late else np.zeros(1)
    ms = np.array(frames["ms"]) if frames["ms"] else np.zeros(1)
    return {
        "fps": frames["n"] / elapsed,
        "p50": float(np.percentile(late, 50)),
        "p99": float(np.percentile(late, 99)),
        "max": float(late.max()),
        "frame_p50": float(np.percentile(ms, 50)),
        "frame_p99": float(np.percentile(ms, 99)),
        "paints": probe.paints / elapsed,
        "cpu": (marks["cpu1"] - marks["cpu0"]) / elapsed,
        "elapsed": elapsed,
        "load": (marks["load0"] + marks["load1"]) / 2,
        "gui_cpu": marks["gui1"] - marks["gui0"],  # CPU seconds of the GUI thread while measuring
    }


def _window(widgets) -> QMainWindow:
    window = QMainWindow()
    central = QWidget()
    grid = QGridLayout(central)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(2)
    for n, w in enumerate(widgets):
        grid.addWidget(w, n // COLUMNS, n % COLUMNS)
    window.setCentralWidget(central)
    window.resize(*SIZE)
    window.show()
    return window


# -- the two runs ---------------------------------------------------------------------------------------------------------
def run_live(app, args, freeze: bool = False) -> dict:
    pool = body_pool(args)
    rows = int(args.window / args.interval)
    store = LiveStore(capacity=max(3600, rows + 100), max_columns=2048)
    t_end = 1.8e9
    t = time.perf_counter()
    prefill(store, pool, args.interval, rows, t_end)
    prefill_s = time.perf_counter() - t
    link = TimeLink()
    budget = RedrawBudget()  # shared by the panels, as a dashboard's
    panels = [
        PlotPanel(store, scalar_stream(i), "timeseries", link, budget=budget) for i in range(N_SERIES_PANELS)
    ]
    panels += [PlotPanel(store, heat_stream(i), "heatmap", link, budget=budget) for i in range(N_HEATMAPS)]
    for p in panels:
        p.set_window(args.window)
        p.set_top(TOP)
    window = _window(panels)
    probe = Probe()
    for p in panels:
        p.canvas.viewport().installEventFilter(probe)
    app.processEvents()

    def frame():
        for p in panels:
            p.refresh()

    # Build every chart and draw once before the clock starts (what opening the panels costs is not measured).
    t = time.perf_counter()
    while any(p.chart is None for p in panels) and time.perf_counter() - t < 60:
        frame()
        app.processEvents()

    # Each plot's redraws, counted where the budget hears of them (so this also measures older code).
    drawn: dict[int, int] = {}
    budget_drawn = budget.drawn

    def count(panel, *rest, **kw):
        drawn[id(panel)] = drawn.get(id(panel), 0) + 1
        return budget_drawn(panel, *rest, **kw)

    budget.drawn = count
    counts: dict[str, list[int]] = {}
    on_begin = lambda: counts.__setitem__("begin", [drawn.get(id(p), 0) for p in panels])  # noqa: E731
    on_end = lambda: counts.__setitem__("end", [drawn.get(id(p), 0) for p in panels])  # noqa: E731
    if freeze:
        gc.collect()
        gc.freeze()  # what is built stays: no full collection walks it again
    per_round = records_per_round(args)
    feeder = Feeder(store, pool, args.interval, t_end, args.rate, per_round)
    records0 = store.records
    feeder.start()
    t0 = time.perf_counter()
    result = run_loop(app, frame, probe, args.warmup, args.seconds, on_begin, on_end)
    feeder.stop_event.set()
    feeder.join()
    total = time.perf_counter() - t0
    # redraws per second of each plot, all 35 visible, over the measured seconds
    per_plot = np.array(counts["end"]) - np.array(counts["begin"])
    hz = per_plot / result["elapsed"]
    result["redraw_hz"] = float(hz.mean())
    result["redraw_hz_min"] = float(hz.min())
    result["redraw_hz_median"] = float(np.median(hz))
    # What the GUI thread's CPU, not the wall clock, says one redraw costs (paint included, and the frame
    # timer's checks of the panels with nothing new): on a machine whose other processes take the cores,
    # wall-clock costs stretch with the waiting, CPU time does not.
    result["cpu_per_redraw_ms"] = 1000 * result["gui_cpu"] / max(1, int(per_plot.sum()))
    result["ingested"] = (store.records - records0) / total
    result["feeder_busy"] = feeder.busy / total
    result["prefill_s"] = prefill_s
    result["paints"] /= len(panels)
    for name, group in (("series", panels[:N_SERIES_PANELS]), ("heatmap", panels[N_SERIES_PANELS:])):
        result[f"{name}_draw_ms"] = 1000 * float(np.mean([budget.draw_cost.get(p, 0) for p in group]))
        result[f"{name}_paint_ms"] = 1000 * float(np.mean([budget.paint_cost.get(p, 0) for p in group]))
    result["drawn_series"] = sum(len(p.chart.curves) for p in panels[:N_SERIES_PANELS])
    result["heatmap_shape"] = panels[-1].chart.image.image.shape
    for p in panels:
        p.close()
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def run_memory(app, args, redraw_hz: float) -> dict:
    """The same plots in bare pyqtgraph, fed precomputed arrays at the same pace, nothing else running."""
    rows = int(args.window / args.interval)
    rng = np.random.default_rng(5)
    n_frames = 64
    walks = rng.standard_normal((n_frames, TOP, rows)).cumsum(axis=2) + 100
    heat = rng.poisson(20, (n_frames, rows, BUCKETS)).astype(np.float32)
    heat = np.log1p(heat)
    lut = pg.ColorMap(np.linspace(0, 1, 3), ["#FFEDA0", "#FD8D3C", "#800026"]).getLookupTable(0, 1, 256)
    widgets, plots, images = [], [], []
    for i in range(N_SERIES_PANELS + N_HEATMAPS):
        w = pg.GraphicsLayoutWidget()
        w.setBackground("w")
        p = w.addPlot(axisItems={"bottom": pg.DateAxisItem()})
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        if i < N_SERIES_PANELS:
            curves = [p.plot(pen=pg.mkPen(pg.intColor(k), width=1)) for k in range(TOP)]
            plots.append((p, curves))
        else:
            img = pg.ImageItem(axisOrder="col-major")
            img.setLookupTable(lut)
            p.addItem(img)
            images.append((p, img))
        widgets.append(w)
    window = _window(widgets)
    probe = Probe()
    for w in widgets:
        w.viewport().installEventFilter(probe)
    app.processEvents()
    start = time.perf_counter()
    streams = N_SERIES_PANELS + N_HEATMAPS
    done = [-1] * streams

    period = 1.0 / redraw_hz

    def frame():
        now = time.perf_counter() - start
        for s in range(streams):
            # plot s redraws every `period`, phase-shifted so the plots take turns
            k = int((now - s * period / streams) / period)
            if k == done[s]:
                continue
            done[s] = k
            t_end = 1.8e9 + k * period
            x = t_end - args.interval * np.arange(rows)[::-1]
            f = (k + s) % n_frames
            if s < N_SERIES_PANELS:
                p, curves = plots[s]
                for c, curve in enumerate(curves):
                    curve.setData(x, walks[f, c])
                p.setXRange(x[0], x[-1], padding=0)
            else:
                p, img = images[s - N_SERIES_PANELS]
                img.setImage(heat[f], autoLevels=False, levels=(0, 5))
                img.setRect(x[0] - args.interval, 0, rows * args.interval, BUCKETS)
                p.setXRange(x[0], x[-1], padding=0)

    result = run_loop(app, frame, probe, args.warmup, args.seconds)
    result["paints"] /= len(widgets)
    window.close()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=50_000)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--keys", type=int, default=160)
    parser.add_argument("--heat-keys", type=int, default=100)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument(
        "--runs",
        default="live,tuned,memory",
        help="comma-separated: live (Python's defaults), tuned (gc and GIL switch settings), memory",
    )
    parser.add_argument("--switch-interval", type=float, default=1.0, help="tuned: sys.setswitchinterval, ms")
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=100_000,
        help="tuned: gc.set_threshold(N, 20, 100), and gc.freeze() once the screen is built",
    )
    parser.add_argument(
        "--memory-hz",
        type=float,
        default=0.0,
        help="memory: plot redraw rate (default: what the last live run achieved)",
    )
    args = parser.parse_args(argv)
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    per_round = records_per_round(args)
    print(
        f"screen: {N_SERIES_PANELS} time-series panels × top {TOP} = {N_SERIES_PANELS * TOP} drawn series, "
        f"{N_HEATMAPS} heatmaps; {SIZE[0]}×{SIZE[1]} offscreen, frame timer {FPS} fps, window {args.window:g} s"
    )
    print(
        f"feed: {per_round} records per round (one snapshot per stream: {N_SERIES_PANELS} × {args.keys} keys + "
        f"{N_HEATMAPS} × {args.heat_keys} keys × ≤{BUCKETS} buckets), target {args.rate:,.0f} records/s "
        f"= a round every {per_round / args.rate * 1000:.1f} ms, stream interval {args.interval:g} s (simulated)"
    )
    print(
        f"tuned: gc.set_threshold({args.gc_threshold}, 20, 100) + gc.freeze() after building, "
        f"sys.setswitchinterval({args.switch_interval / 1000:g})"
    )
    results = {}
    for run in runs:
        if run == "live":
            results["live"] = run_live(app, args)
        elif run == "tuned":
            old_threshold, old_switch = gc.get_threshold(), sys.getswitchinterval()
            # Each batch of decoded snapshots is thousands of short-lived lists: with the default gen-0
            # threshold (700) collections run mid-batch and promote them, and full collections (tens of ms,
            # with the GIL held, so the GUI thread stalls) follow every few hundred ms.
            gc.set_threshold(args.gc_threshold, 20, 100)
            # A CPU-bound consumer thread otherwise keeps the GIL up to 5 ms each time the GUI thread waits.
            sys.setswitchinterval(args.switch_interval / 1000)
            try:
                results["tuned"] = run_live(app, args, freeze=True)
            finally:
                gc.unfreeze()
                gc.set_threshold(*old_threshold)
                sys.setswitchinterval(old_switch)
        elif run == "memory":
            last = results.get("tuned") or results.get("live")
            hz = args.memory_hz or (last["redraw_hz"] if last else 1 / args.interval)
            results["memory"] = run_memory(app, args, hz)
            results["memory"]["redraw_hz"] = hz
        else:
            parser.error(f"unknown run {run!r}")
    print()
    for name in ("live", "tuned"):
        r = results.get(name)
        if r:
            # the headline: how often what a user watches moves, and whether the GUI stays responsive
            print(
                f"HEADLINE {name}: redraws/s per visible plot mean {r['redraw_hz']:.2f}, median "
                f"{r['redraw_hz_median']:.2f}, least {r['redraw_hz_min']:.2f} (stream rate {1 / args.interval:g}/s); "
                f"event-loop latency p99 {r['p99']:.1f} ms; frame p99 {r['frame_p99']:.1f} ms; "
                f"{r['fps']:.1f} fps; load average {r['load']:.2f} on {os.cpu_count()} cores"
            )
            need = r["cpu_per_redraw_ms"] / 1000 * len_plots(args) * min(10.0, 1 / args.interval)
            print(
                f"  GUI thread CPU {r['gui_cpu'] / r['elapsed'] * 100:.0f}% of wall time, "
                f"{r['cpu_per_redraw_ms']:.2f} ms CPU per redraw: every plot at its stream's rate would take "
                f"{need * 100:.0f}% of a core"
            )
    print()
    print(
        f"{'run':<8} {'fps':>6} {'lat p50':>8} {'lat p99':>8} {'lat max':>8} {'frame p50':>10} {'frame p99':>10} "
        f"{'redraws/s/plot':>15} {'paints/s/plot':>14} {'process CPU':>12} {'load':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:<8} {r['fps']:>6.1f} {r['p50']:>6.2f}ms {r['p99']:>6.2f}ms {r['max']:>6.1f}ms "
            f"{r['frame_p50']:>8.2f}ms {r['frame_p99']:>8.2f}ms {r['redraw_hz']:>15.2f} {r['paints']:>14.1f} "
            f"{r['cpu'] * 100:>11.0f}% {r['load']:>6.2f}"
        )
    print()
    for name in ("live", "tuned"):
        r = results.get(name)
        if r:
            print(
                f"{name}: ingested {r['ingested']:,.0f} records/s (feeder thread busy {r['feeder_busy'] * 100:.0f}% "
                f"of wall time; prefill {r['prefill_s']:.1f} s); {r['drawn_series']} series drawn; heatmap image "
                f"{r['heatmap_shape']}; one redraw: time series {r['series_draw_ms']:.1f} ms Python + "
                f"{r['series_paint_ms']:.1f} ms paint, heatmap {r['heatmap_draw_ms']:.1f} + "
                f"{r['heatmap_paint_ms']:.1f} ms"
            )
    mem = results.get("memory")
    for name in ("live", "tuned"):
        r = results.get(name)
        if r and mem:
            print(
                f"ratio {name}/memory: fps {r['fps'] / mem['fps']:.2f}, latency p50 {_ratio(r['p50'], mem['p50'])}, "
                f"p99 {_ratio(r['p99'], mem['p99'])}"
            )
        if r:
            ok = r["p99"] < 50 and r["fps"] >= 0.95 * FPS
            print(f"goal under ingestion ({name}): p99 < 50 ms and {FPS} fps: {'met' if ok else 'NOT met'}")
            rate = min(10.0, 1 / args.interval)
            ok = r["redraw_hz_min"] >= 0.9 * rate and r["p99"] < 50
            print(
                f"goal ({name}): every visible plot at its stream's rate ({rate:g}/s) with p99 < 50 ms: "
                f"{'met' if ok else 'NOT met'}"
            )
    return 0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b > 0.005 else f"{a:.2f} vs {b:.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
