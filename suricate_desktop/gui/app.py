"""``suricate-desktop``: the workbench. With no arguments it opens on the embedded sampler
(first run) or on the sources and dashboards of the last session."""

from __future__ import annotations

import argparse
import logging
import signal
import sys


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
    parser.add_argument("--fresh", action="store_true", help="ignore the remembered sources and dashboards")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pika").setLevel(logging.ERROR)

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ..runtime import tune_for_ingest
    from .forms import resource_path
    from .main_window import MainWindow
    from .sources.registry import source_from_config

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Suricate Desktop")
    app.setOrganizationName("Suricate")
    icon = resource_path("icons", "suricate-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    # Ctrl-C in the terminal closes the window like the Quit action.
    signal.signal(signal.SIGINT, lambda *_: app.closeAllWindows())
    window = MainWindow(restore_sources=not (args.fresh or args.workspace))
    if args.workspace:
        window.open_workspace(args.workspace)
    if args.recording:
        window.open_recording(args.recording)
    if args.broker:
        window.registry.add(
            source_from_config({"kind": "broker", "url": args.broker, "bindings": args.bind or ["#"]})
        )
    window.show()
    tune_for_ingest()
    return app.exec()  # safe: Qt's event loop, not code execution
