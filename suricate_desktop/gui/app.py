"""``suricate-desktop``: the workbench. With no arguments it opens on the embedded sampler
(first run) or on the sources and dashboards of the last session.

Start-up is ordered so the window comes first: only Qt, pyqtgraph and what the panes need to
draw themselves are imported before it shows; the rest (pyarrow, pika, pandas, scikit-learn,
DuckDB, qtconsole, the kernel) loads in a thread once the window has painted (``warmup.py``).

``SURICATE_DESKTOP_FIRST_PAINT`` (for bench/gui_stalls.py): when set, the time of the main
window's first paint, the CPU time spent by then and the heavy modules imported by then go to
stderr as one line,
``first-paint {json}``; set to ``quit``, the workbench then quits.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time

FIRST_PAINT_ENV = "SURICATE_DESKTOP_FIRST_PAINT"
#: Modules a window need not wait for (tests/test_startup_gui.py checks they are not loaded before it shows).
#: How long after the first paint the warm-up starts: the window's own first frames go first.
WARMUP_DELAY_MS = 300
HEAVY = ("pandas", "sklearn", "scipy", "duckdb", "pyarrow", "qtconsole", "ipykernel", "pika")


def make_app():
    """The process's QApplication (the one that exists, else a new one), named and with its icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .forms import resource_path

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Suricate Desktop")
    app.setOrganizationName("Suricate")
    icon = resource_path("icons", "suricate-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="suricate-desktop", description="The Suricate Desktop workbench.")
    parser.add_argument("workspace", nargs="?", help="a workspace file to open (*.suricate.json)")
    parser.add_argument("--recording", metavar="DIR", help="open a recording")
    parser.add_argument(
        "--broker", metavar="URL", help="listen to a broker (amqp://user:pass@host:5672/%%2F)"
    )
    parser.add_argument(
        "--bind", action="append", metavar="PATTERN", help="binding pattern for --broker (default: #)"
    )
    parser.add_argument(
        "--tls-ca",
        metavar="FILE",
        help="PEM file of the private CA that signed --broker's certificate (amqps://; default: the system's CAs)",
    )
    parser.add_argument("--fresh", action="store_true", help="ignore the remembered sources and dashboards")
    args = parser.parse_args(argv)
    if args.tls_ca:  # a CA file that cannot be loaded is a usage error, before any window
        from ..transport.reconnect import TlsCaError, tls_context

        try:
            tls_context(args.tls_ca)
        except TlsCaError as exc:
            parser.error(str(exc))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pika").setLevel(logging.ERROR)

    app = make_app()
    from ..runtime import tune_for_ingest
    from .main_window import MainWindow
    from .sources.registry import source_from_config

    # Ctrl-C in the terminal closes the window like the Quit action.
    signal.signal(signal.SIGINT, lambda *_: app.closeAllWindows())
    window = MainWindow(restore_sources=not (args.fresh or args.workspace))
    if args.workspace:
        window.open_workspace(args.workspace)
    if args.recording:
        window.open_recording(args.recording)
    if args.broker:
        window.registry.add(
            source_from_config(
                {"kind": "broker", "url": args.broker, "bindings": args.bind or ["#"], "tls_ca": args.tls_ca}
            )
        )
    report = os.environ.get(FIRST_PAINT_ENV)
    _after_first_paint(window, lambda painted: _first_painted(report, painted))
    window.show()
    tune_for_ingest()
    return app.exec()  # safe: Qt's event loop, not code execution


def _first_painted(report: str | None, painted: dict) -> None:
    """The window is on screen: say so if asked (bench), then import the rest at idle."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .warmup import warm_all

    if report:
        print("first-paint " + json.dumps(painted), file=sys.stderr)
        if report == "quit":
            QTimer.singleShot(0, QApplication.quit)
            return
    QTimer.singleShot(WARMUP_DELAY_MS, warm_all)


def _after_first_paint(window, fn) -> None:
    """``fn(painted)`` once, right after the window's first paint event; ``painted``: its wall-clock
    time, the process's CPU time by then, and which of the ``HEAVY`` modules were imported."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                painted = {
                    "time": time.time(),
                    "cpu": time.process_time(),
                    "heavy": [m for m in HEAVY if m in sys.modules],
                }
                QTimer.singleShot(0, lambda: fn(painted))  # after this paint is done
            return False

    window._first_paint_filter = FirstPaint(window)
    window.installEventFilter(window._first_paint_filter)
