"""``python -m suricate_desktop`` runs the ``suricate`` command line; the packaged app runs the workbench.

A Briefcase bundle starts its app by running this module from its own launcher
(``/usr/bin/suricate-desktop`` in the .deb, ``Suricate Desktop.app`` or
``Suricate Desktop.exe`` elsewhere), not from a Python interpreter: there the
workbench window opens, with the arguments of ``suricate-desktop``, and
``suricate-desktop --cli ARGS...`` is the ``suricate`` command line. From an
interpreter (the tests, a checkout) this module stays the command line, and
``--cli`` is accepted there too.
"""

import sys
from pathlib import Path

CLI_FLAG = "--cli"


def launched_by_package(executable: str) -> bool:
    """True when ``executable`` (``sys.executable``) is a packaged app's launcher, not a Python."""
    return not Path(executable).name.lower().startswith("python")


def main(argv: list[str], executable: str) -> int:
    if argv[:1] == [CLI_FLAG] or not launched_by_package(executable):
        from .cli.main import main as cli_main

        return cli_main(argv[1:] if argv[:1] == [CLI_FLAG] else argv)
    from .gui.app import main as gui_main

    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.executable))
