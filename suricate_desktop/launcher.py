"""Which face of the app to start: the workbench, or with ``--cli`` first the ``suricate`` command line.

``suricate-desktop`` is :func:`workbench`, both as pip's entry point and as a packaged app's launcher, so
``suricate-desktop --cli ARGS...`` is the command line wherever the workbench is installed (Briefcase makes
only the launcher; the Debian package's ``suricate`` is tools/suricate, which runs ``suricate-desktop --cli``).
``python -m suricate_desktop`` is :func:`module_main`.
Above the layers: it imports both ``gui`` and ``cli``, which do not import each other.
"""

from __future__ import annotations

import sys
from pathlib import Path

CLI_FLAG = "--cli"


def launched_by_package(executable: str) -> bool:
    """True when ``executable`` (``sys.executable``) is a packaged app's launcher, not a Python.

    A Briefcase bundle runs ``python -m suricate_desktop`` from its own binary
    (``/usr/bin/suricate-desktop`` in the .deb, ``Suricate Desktop.app`` or ``.exe`` elsewhere).
    """
    name = Path(executable).name.lower()
    return not name.startswith(("python", "pypy"))


def workbench(argv: list[str] | None = None) -> int:
    """``suricate-desktop [ARGS]``: the workbench; ``suricate-desktop --cli ARGS``: the command line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [CLI_FLAG]:
        from .cli.main import main as cli_main

        return cli_main(argv[1:])
    from .gui.app import main as gui_main

    return gui_main(argv)


def module_main(argv: list[str], executable: str) -> int:
    """``python -m suricate_desktop``: the command line from an interpreter (the tests and docs use it
    so), :func:`workbench` when a packaged app's launcher runs the module."""
    if launched_by_package(executable):
        return workbench(argv)
    from .cli.main import main as cli_main

    return cli_main(argv[1:] if argv[:1] == [CLI_FLAG] else argv)
