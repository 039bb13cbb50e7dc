"""Open the workbench in a known state, for the screenshots in docs/ and the README.

    ../shared/tools/screenshot docs/screenshots/NAME.png 12 python docs/screenshots/scenes.py NAME

Scenes: first-run (the embedded sampler), recording (the bundled bpftrace recording playing, with a
heatmap, a histogram and a time series), editor (a D script with an error, the problems list),
sources (a broker that is up, one that is down, a legacy queue), depgraph (Analytics > Dependency graph
on the bundled recording: processes' system calls and block I/O, the compiler's link picked). Settings go
to a scratch folder, so the user's own are untouched.
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
    elif scene == "sources":
        window.registry.add(BrokerSource(BROKER, ["web01.#", "*.*.syscalls"], ["dtrace:smartos1"]))
        window.registry.add(BrokerSource("amqp://guest:guest@127.0.0.1:5999/%2F", ["#"], name="standby-broker: #"))
        window.open_sample_recording()
        window.editor_dock.hide()
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

            graph_window.worker.finished.connect(pick)
            graph_window.compute()

        QTimer.singleShot(1500, graph)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "first-run"))
