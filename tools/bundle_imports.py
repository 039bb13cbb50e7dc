"""Imports every module of the app, and the parts of its dependencies it loads lazily, inside a bundle.

tools/package.sh runs it with the installed package's own interpreter, to catch a `cleanup_paths` glob
that trimmed too much: ``BRIEFCASE_MAIN_MODULE=cProfile /usr/bin/suricate-desktop -o /dev/null
tools/bundle_imports.py`` (the launcher runs the module named by that variable; cProfile runs a file).
Prints the number of modules and each failure; exits 1 on any failure.
"""

import importlib
import os
import pkgutil
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Loaded only when a feature is used: the console, plot export, OpenGL views, Parquet datasets, models.
LAZY = [
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtUiTools",
    "PySide6.QtSvg",
    "PySide6.QtPrintSupport",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtTest",
    "pyqtgraph.exporters",
    "qtconsole.rich_jupyter_widget",
    "qtconsole.inprocess",
    "ipykernel.inprocess.ipkernel",
    "nbformat",
    "pyarrow.parquet",
    "pyarrow.dataset",
    "pyarrow.fs",
    "pyarrow.compute",
    "duckdb",
    "pandas",
    "sklearn.ensemble",
    "sklearn.cluster",
    "scipy.signal",
    "skops.io",
    "pika",
    "orjson",
    "msgspec",
    "psutil",
]


def main() -> int:
    import suricate_desktop

    names = LAZY + [
        m.name
        for m in pkgutil.walk_packages(suricate_desktop.__path__, "suricate_desktop.")
        if not m.name.endswith("__main__")
    ]
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any failure to import is what this reports
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    print(f"bundle imports: {len(names)} modules, {len(failed)} failed")
    print("\n".join(failed), end="\n" if failed else "")
    return 1 if failed else 0


sys.exit(main())
