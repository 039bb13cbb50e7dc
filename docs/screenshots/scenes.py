"""Open the workbench in a known state, for the screenshots in docs/ and the README.

    ../shared/tools/screenshot docs/screenshots/NAME.png 12 python docs/screenshots/scenes.py NAME

Scenes: first-run (the embedded sampler), recording (the bundled bpftrace recording playing, with a
heatmap, a histogram and a time series), editor (a D script with an error, the problems list),
sources (a broker that is up, one that is down, a legacy queue), learn-baseline (the Learn baseline
dialog after training, its held-out scores plotted), models (a live stream with its model's score
plotted beneath it, a shaded anomaly naming the key behind it, a maintenance span, the Models pane).
Settings go to a scratch folder, so the user's own are untouched.
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources.broker import BrokerSource

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


def main(scene: str) -> int:
    app = QApplication(sys.argv[:1])
    settings = QSettings(f"{tempfile.mkdtemp()}/settings.ini", QSettings.IniFormat)
    window = MainWindow(settings=settings, restore_sources=scene == "first-run")
    window.resize(1580, 960)
    window.move(10, 10)
    if scene == "recording":
        source = window.open_sample_recording()
        source.set_speed(20)
        window.editor_dock.hide()

        def plots():
            by_agg = {i.stream[2]: i.stream for i in source.store.streams()}
            for agg, chart in (("latency_ns", "heatmap"), ("read_bytes", "histogram"), ("calls", "timeseries"),
                               ("samples", "bars")):
                if agg in by_agg:
                    window.plot_stream(source, by_agg[agg], chart)

        QTimer.singleShot(4000, plots)
    elif scene == "editor":
        window.editor.new_document("d", (
            "#!/usr/sbin/dtrace -s\n"
            "/* read sizes by program, as in the seed IDE */\n"
            "syscall::read:return\n"
            "/execname != \"dtrace\"/\n"
            "{\n"
            "    @sizes[execname] = lquantize(arg0, 0, 12, 2);\n"
            "    @calls[execname] = cuont();\n"
            "}\n"
        ))
        window.resizeDocks([window.editor_dock], [900], Qt.Horizontal)
    elif scene in ("models", "learn-baseline"):
        models_scene(window, scene)
    elif scene == "sources":
        window.registry.add(BrokerSource(BROKER, ["web01.#", "*.*.syscalls"], ["dtrace:smartos1"]))
        window.registry.add(BrokerSource("amqp://guest:guest@127.0.0.1:5999/%2F", ["#"], name="standby-broker: #"))
        window.open_sample_recording()
        window.editor_dock.hide()
    window.show()
    return app.exec()


def models_scene(window, scene: str) -> None:
    """A web server's CPU time by process, live; a baseline learnt of it; sshd goes wild."""
    import time

    import numpy as np

    from suricate_desktop.gui.sources.base import Source
    from suricate_desktop.schema import Snapshot
    from suricate_desktop.store.live import LiveStore

    rng = np.random.default_rng(7)
    stream = ("web01", "procs", "cpu_ms")
    state = {"t": time.time() - 1800, "i": 0}

    def row(i):
        wave = np.sin(2 * np.pi * i / 600)
        values = {"postgres": 420 + 60 * wave + rng.normal(0, 12), "nginx": 260 + 40 * wave + rng.normal(0, 9),
                  "sshd": 18 + rng.normal(0, 1.5), "cron": 6 + rng.normal(0, 0.6)}
        if scene == "models" and 1830 <= i < 1836:
            values["sshd"] = 190 + rng.normal(0, 8)  # a brute-force attempt
        return values

    def push(n):
        snaps = []
        for _ in range(n):
            snaps.append(Snapshot(*stream, "sum", state["t"], 1.0, True,
                                  [[[k], round(float(v), 1)] for k, v in row(state["i"]).items()]))
            state["t"] += 1.0
            state["i"] += 1
        source.store(snaps)

    source = window.registry.add(Source("web01 (broker)", LiveStore(capacity=3600)))
    push(1800)
    window.editor_dock.hide()
    window.models.manager.add_maintenance(source.name, stream, state["t"] - 640, state["t"] - 560)
    dialog = window.models.learn_baseline((source, stream))
    dialog.name.setText("web01-cpu")
    dialog.detector.setCurrentIndex(dialog.detector.findData("ewma"))
    dialog.threshold.setValue(6.0)

    def trained(_):
        if scene == "models":
            dialog.save()
            card = window.dashboard.current_page().cards[0]
            card.panel.set_window(900)
            feed.start()

    dialog._finished.connect(trained)
    dialog.start_training()
    feed = QTimer(window, interval=50, timeout=lambda: push(1) if state["i"] < 1860 else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "first-run"))
