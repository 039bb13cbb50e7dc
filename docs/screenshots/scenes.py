"""Open the workbench in a known state, for the screenshots in docs/ and the README.

    ../shared/tools/screenshot docs/screenshots/NAME.png 12 python docs/screenshots/scenes.py NAME

Scenes: first-run (the embedded sampler), recording (the bundled bpftrace recording playing, with a
heatmap, a histogram and a time series), editor (a D script with an error, the problems list),
sources (a broker that is up, one that is down, a legacy queue), rules (the rules panel and the alert
history with a firing alert marked on its stream's plot; synthetic web01 syscalls published to the
local broker), console (the Jupyter console on the bundled recording: a DataFrame printed, a figure,
and a rolling mean drawn over the live plot), depgraph (Analytics > Dependency graph on the bundled
recording: processes' system calls and block I/O, the compiler's link picked), learn-baseline (the
Learn baseline dialog after training, its held-out scores plotted), models (a live stream with its
model's score plotted beneath it, a shaded anomaly naming the key behind it, a maintenance span, the
Models pane), models-two-streams (one model of two streams, CPU time and disk I/O by process: the
anomaly in the second stream shaded on both plots, naming the stream and the key), learn-baseline-sample
(the bundled recording played to its end, Analytics > Learn baseline on its system calls by process with
every default: the window sized for the screen, as on a 1366x768 laptop), models-sample (that model saved:
its score strip beneath the plot once the recording has ended, its anomalies shaded, one span each).
Settings go to a scratch folder, so the user's own are untouched.

The pane scenes (``--list`` names them: ``pane-editor``, ``pane-rules``...) open the window as a first run
sizes it on the screen they run on, show one pane or dialog, and with ``--out`` save the screen and quit;
the screenshots ``docs/screenshots/pane-NAME-WxH.png`` at a laptop's and a desktop's size come from

    for size in 1366x768 1920x1080; do for scene in $(python3 docs/screenshots/scenes.py --list); do
        QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 ${size}x24" python3 docs/screenshots/scenes.py \
            "$scene" --out "docs/screenshots/$scene-$size.png" --after 14
    done; done

The plots-* scenes are the plots demo (``python -m suricate_desktop.gui.plots.demo``, synthetic streams)
sized to the screen: plots-grid, plots-timeseries (the crosshair's readout), plots-heatmap (a clicked cell),
plots-heatmap-lquantize, plots-histogram, plots-bars, plots-pie.
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from suricate_desktop.gui.depgraph import open_window
from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources.broker import BrokerSource

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


#: The plots demo's arguments for each plots-* scene.
PLOT_SCENES = {
    "plots-grid": ["timeseries:cpu_time", "heatmap:lat_ns", "timeseries:io_write_bytes+view=cumulative+log=1",
                   "timeseries:lat_ns+top=3"],
    "plots-timeseries": ["timeseries:cpu_time", "--columns", "1", "--hover", "0,0.62,0.5"],
    "plots-heatmap": ["heatmap:lat_ns", "--columns", "1", "--click", "0,0.55,0.42"],
    "plots-heatmap-lquantize": ["heatmap:cpu_pct+log=0", "--columns", "1"],
    "plots-histogram": ["histogram:lat_ns", "--columns", "1"],
    "plots-bars": ["bars:cpu_time", "--columns", "1"],
    "plots-pie": ["pie:cpu_time+top=6", "--columns", "1"],
}  # fmt: skip


def plots_scene(scene: str, out: str | None, after: float) -> int:
    from suricate_desktop.gui.plots import demo

    app = QApplication(sys.argv[:1])
    if out:  # as the other scenes: grab the screen after a while, then quit
        QTimer.singleShot(int(after * 1000), lambda: _grab(app, out))
    screen = app.primaryScreen().availableGeometry()
    return demo.main([*PLOT_SCENES[scene], "--size", f"{screen.width()}x{screen.height()}"])


def main(scene: str, out: str | None = None, after: float = 10.0) -> int:
    if scene in PLOT_SCENES:
        return plots_scene(scene, out, after)
    app = QApplication(sys.argv[:1])
    settings = QSettings(f"{tempfile.mkdtemp()}/settings.ini", QSettings.IniFormat)
    if out:  # grab the whole screen (dialogs and menus included) after a while, then quit
        QTimer.singleShot(int(after * 1000), lambda: _grab(app, out))
    if scene.startswith("pane-"):
        return pane_scene(app, settings, scene)
    window = MainWindow(settings=settings, restore_sources=scene == "first-run")
    if scene not in SAMPLE_SCENES:  # those keep the size the window takes on the screen it opens on
        window.resize(1580, 960)
        window.move(10, 10)
    if scene == "recording":
        source = window.open_sample_recording()
        source.set_speed(20)
        window.editor_dock.hide()

        def plots():
            by_agg = {i.stream[2]: i.stream for i in source.store.streams()}
            for agg, chart in (
                ("latency_ns", "heatmap"),
                ("read_bytes", "histogram"),
                ("calls", "timeseries"),
                ("samples", "bars"),
            ):
                if agg in by_agg:
                    window.plot_stream(source, by_agg[agg], chart)

        QTimer.singleShot(4000, plots)
    elif scene == "editor":
        window.editor.new_document(
            "d",
            (
                "#!/usr/sbin/dtrace -s\n"
                "/* read sizes by program, as in the seed IDE */\n"
                "syscall::read:return\n"
                '/execname != "dtrace"/\n'
                "{\n"
                "    @sizes[execname] = lquantize(arg0, 0, 12, 2);\n"
                "    @calls[execname] = cuont();\n"
                "}\n"
            ),
        )
        window.resizeDocks([window.editor_dock], [900], Qt.Horizontal)
    elif scene == "console":
        source = window.open_sample_recording()
        source.set_speed(0)  # the whole recording at once: the console reads all of it
        window.editor_dock.hide()
        window.streams_dock.hide()
        window.sources_dock.hide()
        window.timeline_dock.hide()

        def console():
            calls = next(i.stream for i in source.store.streams() if i.stream[2] == "calls")
            window.plot_stream(source, calls, "timeseries")
            window.console.show()
            window.console.when_ready(lambda pane: typed(pane))

        def typed(pane):
            window.resizeDocks([window.console.dock], [470], Qt.Vertical)
            pane.splitter.setSizes([900, 680])
            cells = [
                'f = ws.frame("syscalls-by-process.calls")\n'
                'f[["python3", "python", "ls", "bpftrace", "find"]].tail(8)',
                'ws.plot(f.python3.rolling(10, center=True).mean(), on="syscalls-by-process.calls",\n'
                '        label="python3, mean of 10")',
                'ws.plot(f.sum(axis=1).rolling(10).std(), title="std of the total")',
            ]
            for i, code in enumerate(cells):  # one at a time, as typed: each after the previous one's prompt
                QTimer.singleShot(1500 + 1000 * i, lambda code=code: pane.execute(code))

        QTimer.singleShot(3000, console)
    elif scene in ("models", "learn-baseline", "models-two-streams"):
        models_scene(window, scene)
    elif scene in SAMPLE_SCENES:
        sample_scene(window, scene)
    elif scene == "sources":
        window.registry.add(BrokerSource(BROKER, ["web01.#", "*.*.syscalls"], ["dtrace:smartos1"]))
        window.registry.add(
            BrokerSource("amqp://guest:guest@127.0.0.1:5999/%2F", ["#"], name="standby-broker: #")
        )
        window.open_sample_recording()
        window.editor_dock.hide()
    elif scene == "rules":
        _rules_scene(window, settings)
    elif scene == "depgraph":
        window.open_sample_recording()
        window.editor_dock.hide()

        def graph():
            graph_window = open_window(window)
            graph_window.setGeometry(30, 40, 1540, 920)
            graph_window.filter_edit.setText("syscalls-by-process.* disk-io-*")
            graph_window.threshold.setValue(0.8)
            graph_window.max_series.setValue(80)

            def pick(result):
                g = result.graph
                edge = g.edge_between("syscalls-by-process.calls:cc1", "disk-io-sizes.bytes:cc1")
                if edge is not None:
                    graph_window.select_edge(g.edges.index(edge))

            graph_window.displayed.connect(pick)  # once shown: the first link is picked then
            graph_window.compute()

        QTimer.singleShot(1500, graph)
    window.show()
    return app.exec()


RULES = """# Rules of the web tier (docs/rules.md)
[defaults]
host = "web*"
source = "syscalls"
agg = "num"

# bash hammering the kernel: page whoever is on call
[[rule]]
name = "bash-syscall-spike"
severity = "critical"
description = "bash is hammering the kernel"
key = "bash"
threshold = 1000
clear = 800
for = "5s"
clear_for = "10s"
cooldown = "5m"

[[rule.action]]
type = "command"
args = ["true", "--host", "{host}", "--value", "{value}"]

[[rule]]
name = "sshd-busy"
key = "sshd"
threshold = 500

[[rule]]
name = "syscalls-unusual"
severity = "info"
type = "score"
key = "*"
history = 120
threshold = 12
enabled = false

[[rule]]
name = "web-agent-silent"
type = "silence"
threshold = "30s"
"""


def _rules_scene(window, settings, resize: bool = True) -> None:
    """web01's syscalls by program, published live to the local broker; bash spikes past the rule's threshold."""
    import math
    import random
    import time
    from pathlib import Path

    from suricate_desktop.schema import Snapshot
    from suricate_desktop.transport.publisher import Publisher

    Path(window.rules_panel.path).write_text(RULES)
    window.rules_panel.load_file(window.rules_panel.path)
    exchange = "suricate.screenshots"
    source = window.registry.add(BrokerSource(BROKER, ["web01.#"], exchange=exchange))
    source.consumer.wait_ready(10)
    publisher = Publisher(BROKER, exchange).start()
    window._scene_publisher = publisher
    rng = random.Random(7)
    start = time.time() - 90
    state = {"i": 0}

    def snapshot(i: int) -> Snapshot:
        bash = 300 + 40 * math.sin(i / 6) + rng.gauss(0, 15)
        if i >= 70:
            bash = 1500 + rng.gauss(0, 60)  # the spike: over 1000 since t-20 s
        entries = [
            [["bash"], int(bash)],
            [["sshd"], int(120 + rng.gauss(0, 10))],
            [["nginx"], int(650 + 50 * math.sin(i / 9) + rng.gauss(0, 20))],
            [["postgres"], int(420 + rng.gauss(0, 25))],
        ]
        return Snapshot("web01", "syscalls", "num", "count", start + i, 1.0, True, entries, i + 1, "scene")

    def tick() -> None:
        while start + state["i"] <= time.time():
            publisher([snapshot(state["i"])])
            state["i"] += 1

    timer = QTimer(window, interval=250, timeout=tick)
    timer.start()
    window._scene_timer = timer
    window.editor_dock.hide()
    window.rules_dock.show()
    window.alerts_dock.show()
    if resize:
        window.resizeDocks([window.rules_dock], [420], Qt.Vertical)
        window.resizeDocks([window.rules_dock, window.alerts_dock], [760, 800], Qt.Horizontal)

    def select() -> None:
        window.rules_panel.select_rule("bash-syscall-spike")
        entries = list(window.rules_panel.timeline.entries)
        if entries:
            window.rules_panel.timeline.select(entries[0])
            window.rules_panel.timeline.tree.expandAll()

    QTimer.singleShot(3000, lambda: window.plot_stream(source, ("web01", "syscalls", "num")))
    QTimer.singleShot(7000, select)


SAMPLE_SCENES = ("learn-baseline-sample", "models-sample")


def sample_scene(window, scene: str) -> None:
    """The bundled recording, played at once to its end; a baseline of its system calls by process learnt
    with the dialog's defaults (models-sample: saved, the dialog closed)."""
    source = window.open_sample_recording()
    source.set_speed(0)
    window.editor_dock.hide()
    stream = ("demo", "syscalls-by-process", "calls")

    def learn():
        if source.state != "ended":
            QTimer.singleShot(300, learn)
            return
        window.plot_stream(source, stream, "timeseries")
        dialog = window.models.learn_baseline((source, stream))

        def trained(_):
            if scene == "models-sample":
                dialog.save()

        def start():
            if dialog._reading:
                QTimer.singleShot(200, start)
                return
            dialog.start_training()

        dialog._finished.connect(trained)
        start()

    QTimer.singleShot(500, learn)


def models_scene(window, scene: str) -> None:
    """A web server's CPU time by process, live; a baseline learnt of it; sshd goes wild (models-two-streams:
    a model of its CPU time and its disk I/O, and sshd's I/O goes wild)."""
    import time

    import numpy as np

    from suricate_desktop.gui.sources.base import Source
    from suricate_desktop.schema import Snapshot
    from suricate_desktop.store.live import LiveStore

    rng = np.random.default_rng(7)
    stream = ("web01", "procs", "cpu_ms")
    io = ("web01", "procs", "io_kb")
    two = scene == "models-two-streams"
    state = {"t": time.time() - 1800, "i": 0}

    def row(i):
        wave = np.sin(2 * np.pi * i / 600)
        values = {
            "postgres": 420 + 60 * wave + rng.normal(0, 12),
            "nginx": 260 + 40 * wave + rng.normal(0, 9),
            "sshd": 18 + rng.normal(0, 1.5),
            "cron": 6 + rng.normal(0, 0.6),
        }
        if scene == "models" and 1830 <= i < 1836:
            values["sshd"] = 190 + rng.normal(0, 8)  # a brute-force attempt
        return values

    def io_row(i):
        wave = np.sin(2 * np.pi * i / 600)
        values = {
            "postgres": 900 + 150 * wave + rng.normal(0, 30),
            "nginx": 120 + 20 * wave + rng.normal(0, 6),
            "sshd": 4 + rng.normal(0, 0.5),
        }
        if 1830 <= i < 1836:
            values["sshd"] = 80 + rng.normal(0, 4)  # someone copies a lot out over ssh
        return values

    def push(n):
        snaps = []
        for _ in range(n):
            snaps.append(
                Snapshot(
                    *stream,
                    "sum",
                    state["t"],
                    1.0,
                    True,
                    [[[k], round(float(v), 1)] for k, v in row(state["i"]).items()],
                )
            )
            if two:
                snaps.append(
                    Snapshot(
                        *io,
                        "sum",
                        state["t"],
                        1.0,
                        True,
                        [[[k], round(float(v), 1)] for k, v in io_row(state["i"]).items()],
                    )
                )
            state["t"] += 1.0
            state["i"] += 1
        source.store(snaps)

    source = window.registry.add(Source("web01 (broker)", LiveStore(capacity=3600)))
    push(1800)
    window.editor_dock.hide()
    if not two:
        window.models.manager.add_maintenance(source.name, stream, state["t"] - 640, state["t"] - 560)
    dialog = window.models.learn_baseline((source, stream))
    dialog.name.setText("web01-cpu")
    if two:
        dialog.moreStreams.item(0).setCheckState(Qt.Checked)
        dialog.name.setText("web01-cpu-and-io")
    dialog.detector.setCurrentIndex(dialog.detector.findData("ewma"))
    dialog.threshold.setValue(6.0)

    def trained(_):
        if scene in ("models", "models-two-streams"):
            dialog.save()
            for card in window.dashboard.current_page().cards:
                card.panel.set_window(900)
            feed.start()

    dialog._finished.connect(trained)
    dialog.start_training()
    feed = QTimer(window, interval=50, timeout=lambda: push(1) if state["i"] < 1860 else None)


# -- one scene per pane and dialog, in the window as a first run sizes it on this screen -----------------------------
#: The pane scenes, for the screenshots docs/screenshots/pane-NAME-WxH.png at 1366x768 and 1920x1080 (the
#: module's docstring has the loop): ``scenes.py pane-NAME --out FILE`` under ``xvfb-run -s "-screen 0 WxHx24"``.
PANE_SCENES = (
    "pane-plots",
    "pane-recording",
    "pane-editor",
    "pane-sources",
    "pane-models",
    "pane-rules",
    "pane-alerts",
    "pane-rule-dialog",
    "pane-console",
    "pane-depgraph",
    "pane-broker-dialog",
    "pane-remote-agents",
    "pane-run-options",
    "pane-templates",
)

BAD_D = (
    "#!/usr/sbin/dtrace -s\n"
    "/* read sizes by program, as in the seed IDE */\n"
    "syscall::read:return\n"
    '/execname != "dtrace"/\n'
    "{\n"
    "    @sizes[execname] = lquantize(arg0, 0, 12, 2);\n"
    "    @calls[execname] = cuont();\n"
    "    @bytes[execname] = sum(arg0) + ;\n"
    "}\n"
)


def pane_scene(app: QApplication, settings: QSettings, scene: str) -> int:
    """The window opened as on a first run (the embedded sampler, the screen-fitted size), then one pane shown."""
    window = MainWindow(settings=settings, restore_sources=True)
    window.show()
    keep: list = []  # dialogs shown without exec (a modal exec would block the grab)

    def recording_plots(source, charts=(("latency_ns", "heatmap"), ("calls", "timeseries"))):
        def plots():
            by_agg = {i.stream[2]: i.stream for i in source.store.streams()}
            for agg, chart in charts:
                if agg in by_agg:
                    window.plot_stream(source, by_agg[agg], chart)

        QTimer.singleShot(2500, plots)

    if scene == "pane-plots":
        source = window.open_sample_recording()
        source.set_speed(20)
        window.timeline_dock.hide()
        recording_plots(
            source,
            (
                ("latency_ns", "heatmap"),
                ("read_bytes", "histogram"),
                ("calls", "timeseries"),
                ("samples", "bars"),
            ),
        )
    elif scene == "pane-recording":
        source = window.open_sample_recording()
        source.set_speed(5)
        recording_plots(source)
    elif scene == "pane-console":
        source = window.open_sample_recording()
        source.set_speed(0)
        recording_plots(source, (("calls", "timeseries"),))

        def console():
            window.console.show()
            window.console.when_ready(  # the kernel starts after the window: type once it answers
                lambda pane: QTimer.singleShot(
                    500, lambda: pane.execute('f = ws.frame("syscalls-by-process.calls")\nf.iloc[-5:, :3]')
                )
            )

        QTimer.singleShot(1500, console)
    elif scene in ("pane-editor", "pane-run-options"):
        doc = window.editor.new_document("d", BAD_D)
        window.editor.output.append_status("Run started: this machine (sampler), every 1 s, until stopped")
        window.editor.output.append_text("sampler: 214 processes, 12 aggregations a second\n")
        window.editor.output.append_status("Run stopped after 42 s", "ok")
        if scene == "pane-run-options":  # the run targets listed, each with why it cannot run here
            combo = window.editor.run_options.combo_target
            QTimer.singleShot(2000, lambda: combo.showPopup())
        doc.editor.setFocus()
    elif scene == "pane-sources":
        window.registry.add(BrokerSource(BROKER, ["web01.#", "*.*.syscalls"], ["dtrace:smartos1"]))
        window.registry.add(
            BrokerSource("amqp://guest:guest@127.0.0.1:5999/%2F", ["#"], name="standby-broker: #")
        )
        window.open_sample_recording()
        window.timeline_dock.hide()
        QTimer.singleShot(3000, window.streams_pane.tree.expandAll)
    elif scene == "pane-models":
        window.models.dock.show()
        window.models.dock.raise_()
    elif scene in ("pane-rules", "pane-alerts", "pane-rule-dialog"):
        _rules_scene(window, settings, resize=False)
        if scene == "pane-alerts":
            QTimer.singleShot(7500, window.alerts_dock.raise_)
        if scene == "pane-rule-dialog":
            broken = RULES.split("[[rule]]")[1].replace("threshold = 1000", 'threshold = "lots"')
            broken = broken.replace('severity = "critical"', 'severity = "urgent"').replace("for =", "fro =")
            QTimer.singleShot(2000, lambda: keep.append(window.rules_panel._edit("[[rule]]" + broken, None)))
    elif scene == "pane-depgraph":
        window.open_sample_recording()
        QTimer.singleShot(1500, window.depgraph_action.trigger)  # as a user opens it, then Compute (F5)
        QTimer.singleShot(4000, lambda: window.depgraph_window.compute())
    elif scene == "pane-broker-dialog":
        from suricate_desktop.gui.dialogs import AddBrokerDialog

        dialog = AddBrokerDialog(window)
        keep.append(dialog)
        QTimer.singleShot(500, dialog.dialog.show)
    elif scene == "pane-remote-agents":
        from suricate_desktop.gui.dialogs import RemoteAgentsDialog

        dialog = RemoteAgentsDialog(window, BROKER, ["web01", "smartos1"], "~/.config/suricate/control.key")
        keep.append(dialog)
        QTimer.singleShot(500, dialog.dialog.show)
    elif scene == "pane-templates":  # the Templates menu open from the menu bar, one of its submenus open
        bar = window.menuBar()
        templates = next(a for a in bar.actions() if a.text() == "&Templates")

        def open_menu():
            bar.setActiveAction(templates)
            QTimer.singleShot(500, open_submenu)

        def open_submenu():
            menu = templates.menu()
            sub = next((a for a in menu.actions() if a.menu() is not None), None)
            if sub is not None:
                menu.setActiveAction(sub)
                sub.menu().popup(menu.mapToGlobal(menu.actionGeometry(sub).topRight()))

        QTimer.singleShot(1500, open_menu)
    window._scene_keep = keep
    return app.exec()


def _grab(app: QApplication, out: str) -> None:
    app.primaryScreen().grabWindow(0).save(out)
    print(f"saved {out}")
    app.quit()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scene", nargs="?", default="first-run")
    parser.add_argument("--out", help="save a PNG of the screen to OUT after --after seconds, then quit")
    parser.add_argument("--after", type=float, default=10.0)
    parser.add_argument("--list", action="store_true", help="print the pane scenes' names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(PANE_SCENES))
        sys.exit(0)
    sys.exit(main(args.scene, args.out, args.after))
