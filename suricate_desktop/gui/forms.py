"""Qt Designer forms from ui/, loaded at run time with QUiLoader.

Forms (and resources/) are found in the checkout's ``ui/`` folder (editable installs and
Briefcase bundles keep the source tree) or in ``<prefix>/share/suricate-desktop/ui``.
Loading at run time keeps the .ui files the single source of a form's layout:
edit one in Designer and the app shows the change, no compile step.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

_loader: QUiLoader | None = None


def ui_dir() -> Path:
    checkout = Path(__file__).resolve().parents[2] / "ui"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "suricate-desktop" / "ui"


def resource_path(*parts: str) -> Path:
    """A file or folder of resources/: in the checkout, else where a wheel installed it."""
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout.joinpath(*parts)
    return Path(sys.prefix, "share", "suricate-desktop", *parts)


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """The widget described by ``ui/<name>.ui``; its children are found with findChild by objectName."""
    path = ui_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.ReadOnly):
        raise FileNotFoundError(f"no form {path}: {file.errorString()}")
    global _loader
    if _loader is None:
        _loader = QUiLoader()  # one for the process: a loader made and dropped per form can leave PySide
        # holding wrappers of objects Qt has already deleted
    try:
        widget = _loader.load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"cannot load form {path}")
    return widget
