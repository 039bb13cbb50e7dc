"""``suricate-desktop``: the workbench, opening on the embedded sampler."""

from __future__ import annotations

import argparse
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="suricate-desktop", description="The Suricate Desktop workbench.")
    parser.add_argument("--interval", type=float, default=1.0, help="sampler interval in seconds (default: 1)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from ..store.live import LiveStore
    from .main_window import MainWindow
    from .sources import EmbeddedSource

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Suricate Desktop")
    app.setOrganizationName("Suricate")
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    store = LiveStore()
    window = MainWindow(store, [EmbeddedSource(store, args.interval)])
    window.show()
    status = app.exec()
    window.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
