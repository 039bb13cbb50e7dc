"""Live plots: one ``PlotPanel`` per stream, time axes linked by a ``TimeLink``.

The contract with the main window
=================================

``PlotPanel(store, stream, chart="auto", link=None, drops=None, parent=None, budget=None)`` — a QWidget

* ``store``: the ``LiveStore`` the stream lives in; ``stream``: ``(host, source, aggregation)``
  (it need not exist yet: the panel says "waiting for data" until it does).
* ``chart``: one of ``CHARTS`` = ``"auto"``, ``"timeseries"``, ``"bars"``, ``"pie"``,
  ``"histogram"``, ``"heatmap"``. ``"auto"`` follows the stream's kind: scalar kinds
  (count, sum, avg, min, max, stddev) → time series; bucket kinds (quantize,
  lquantize, llquantize, hist, lhist) → heatmap; stats → time series of the average.
  A chart that does not fit the kind (a heatmap of counts) falls back to the kind's
  first choice. Bucket streams can also be drawn as time series, bars or a pie of
  each key's total count.
* ``link``: a ``TimeLink`` shared by the panels whose time axes move together; None
  gives the panel a link of its own.
* ``drops``: ``(store, (host, "suricate-agent", "drops"))``, the agent's drops stream of
  the same host; an interval with drops gets a red triangle on the time axis (inside
  the plot, hover it: ``drops at TIME · cause: count, ...``) and a dashed red line
  through the plot.

Called by the main window:

* ``refresh()`` on the frame timer (30 fps). It reads the store only when the stream's
  version, its host's clock (``LiveStore.clock(host)``), the drops stream or a setting
  moved, and then only the rows that are new (``matrix/buckets(..., since=t)``): a
  panel with nothing new costs a few attribute reads, no lock. A hidden panel (another
  tab, scrolled out of view) or a paused one does nothing. A panel redraws at most at
  its stream's rate (once per interval, up to 10 a second). Under load, redraws share
  half the GUI thread (``budget.RedrawBudget``): the frame rate and the event loop
  hold, panels redraw less often, oldest first. Panels given the same ``budget=`` share
  it (the dashboard owns one for its panels); a panel given none has one of its own.
* ``state() -> dict`` and ``restore(dict)`` for the workspace file: ``stream``,
  ``chart``, ``view`` ("interval" | "cumulative"), ``paused``, ``log``, ``window``
  (seconds, or None for all), ``hidden`` (list of keys, each a list), ``key`` (the
  heatmap/histogram key, None = summed), ``field`` (stats), ``top``, ``legend``
  (bool). ``restore`` ignores what it does not know.
* Programmatic equivalents of the toolbar: ``set_chart``, ``set_view``,
  ``set_paused``, ``set_log``, ``set_window``, ``set_key``, ``set_field``,
  ``set_top``, ``set_legend``, ``set_hidden``, ``toggle_key``; ``set_title(text,
  tooltip)`` (a container names the plot once, in the toolbar); ``export_png(path)``,
  ``export_svg(path)``, ``export_csv(path)`` (what is shown: a time series' visible
  curves in the window, one row per snapshot; bars/pie ``key,value``; histogram
  ``low,high,bucket,count``; heatmap one row per snapshot, one column per bucket of
  the ladder, not decimated). ``time_range()``: the epoch-second range shown.
* ``set_overlay(label, times, values)`` / ``clear_overlays()``: a series computed elsewhere
  (the console's ``ws.plot(..., on=stream)``) drawn over the time series as a dashed curve
  with a legend entry, on the chart's own y scale; at most 8 per panel, 100,000 points each
  (``overlay.py``). Not kept in ``state()``: overlays are results of a session.

Signals:

* ``message(str)``: for the status bar (crosshair values, heatmap cell under the
  mouse or clicked, "saved PATH").
* ``cellClicked(dict)``: a heatmap cell was clicked: ``{"time", "low", "high",
  "count", "per_key": {key tuple: count}}``; ``time`` is the first snapshot in the
  cell (``end`` the last; the same when a cell is one interval), ``low``/``high``
  the bucket's inclusive bounds as in the message schema; also ``start``,
  ``width`` (the cell's time span), ``bucket`` (its label), ``stream``, ``key``.
  Counts are ints when whole; ``per_key`` keys are the store's key tuples.

The toolbar inside the panel, one row that fits a plot half a laptop screen wide: the
title (elided, in full in its tooltip), chart type, key (heatmap, histogram: one key or
all summed), stats field, time window (1 min, 5 min, 15 min, 1 h, 6 h, 1 day, all),
pause, follow, and a "⋯" menu with per interval / cumulative, log scale, legend, top N
(default 8) and export (PNG, SVG, CSV through a file dialog).

``TimeLink(parent=None)`` — a QObject

* Every panel given the same link shares its x range: zoom (wheel, right-drag) or
  pan (drag) one and all take that range; follow mode stops.
* Follow mode (the default) has each panel show its window ending at its newest
  data; a double-click on a plot, the End key, the toolbar's "follow" or
  ``set_follow(True)`` resumes it. ``follow``, ``x_range()``, ``set_range(lo, hi)``;
  signals ``followChanged(bool)``, ``rangeChanged(float, float)``.

Behaviour
=========

* Time windows end at the newest data of the stream's host in its store, never at
  the wall clock, so a recording replayed at its original timestamps, or a host
  whose clock is off, looks right; a stream that went silent while its host kept
  sending shows the silence.
* Gaps: no snapshot for more than 2.5 intervals is a grey band across the plot
  (tooltip: how long) when the host sent nothing else either (a stream of events skips
  empty intervals: bpftrace prints nothing for an empty map), and a silence still
  going on at the end.
* Top N keys by their total inside the window (growth inside the window for a
  cumulative view); each key keeps its colour for the panel's life, from a
  colour-blind-safe palette (``palette.py``: Okabe-Ito, then Tol's muted) whose
  neighbours are far apart for deuteranopes too, no two shown keys too close; the
  legend sits beside the data (when the panel leaves the data 320 px, else hidden; the
  crosshair's readout names the keys), a click on an entry hides or shows the key.
* Axes (``axes.py``): time ticks at the smallest round step (1, 2, 5, 10, 15, 30 s,
  1, 2, 5 … min, hours, days) whose labels fit, ``HH:MM:SS`` / ``HH:MM`` / the date;
  values short (12.5k, 1.05M); the y range rounded and kept while the data fills it.
* Heatmaps: x time, y the full bucket ladder (log2 for quantize/hist, linear for
  lquantize/lhist), colour the count on a fixed colour map (log-scaled unless "log"
  is off) with a colour bar beside it ticked in counts, its top a round number kept
  while the busiest cell fills half of it; time columns are merged to at most one per
  pixel; empty cells blank.
* Rendering: numpy in, one ``MultiCurve.set_data`` per time series per redraw (all
  its curves in one graphics item, curves.py), one
  ``ImageItem.setImage(autoLevels=False)`` per heatmap per redraw; nothing repaints
  per message. The curves are given the rows inside the view,
  peak-decimated (min and max) to two points per pixel for all curves in one numpy
  call: what PlotDataItem's clipToView + autoDownsample do, without their per-curve
  Python on every setData and view change (about 4× less GUI time per redraw).
  The view's transform is applied right after each range change, so a redraw
  paints once, not twice.
* Timed charts plot x = time − origin (an hour boundary near the data; ``TimeAxis``
  labels wall-clock time): epoch seconds as coordinates break the SVG export.

For the process (gui/app.py), measured by bench/gui.py with a consumer thread
ingesting 50,000 records/s: ``gc.set_threshold(100_000, 20, 100)`` plus
``gc.freeze()`` once the window is built (decoded batches otherwise trigger full
collections of tens of ms with the GIL held), and ``sys.setswitchinterval(0.001)``
(a busy consumer thread otherwise keeps the GIL 5 ms at a time).

``python -m suricate_desktop.gui.plots.demo [CHART:AGG ...]`` shows panels on
realistic synthetic data (docs/screenshots/plots-*.png were taken with it).
"""

from ._data import WINDOWS
from .budget import RedrawBudget
from .link import TimeLink
from .panel import PlotPanel
from .toolbar import CHARTS

__all__ = ["CHARTS", "WINDOWS", "PlotPanel", "RedrawBudget", "TimeLink"]
