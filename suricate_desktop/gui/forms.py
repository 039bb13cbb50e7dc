"""Qt Designer forms from ui/, loaded at run time with QUiLoader.

Forms (and resources/) are found in the checkout's ``ui/`` folder (editable installs and
Briefcase bundles keep the source tree) or in ``<prefix>/share/suricate-desktop/ui``.
Loading at run time keeps the .ui files the single source of a form's layout:
edit one in Designer and the app shows the change, no compile step. A form the app cannot
do without has a twin built in code, used where the ``ui/`` folder is not shipped
(:func:`load_form_or_build`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, overload

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

__all__ = ["child", "load_form", "load_form_or_build", "resource_path", "ui_dir"]

W = TypeVar("W", bound=QWidget)

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


@overload
def load_form(name: str, parent: QWidget | None = None) -> QWidget: ...
@overload
def load_form(name: str, parent: QWidget | None = None, *, kind: type[W]) -> W: ...
def load_form(name: str, parent: QWidget | None = None, *, kind: type[QWidget] = QWidget) -> QWidget:
    """The widget described by ``ui/<name>.ui``; its children are found with :func:`child` by objectName.

    ``kind`` is the form's class (``QDialog`` for a dialog): a form of another class is a TypeError.
    """
    path = ui_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
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
    if not isinstance(widget, kind):
        raise TypeError(f"form {path} is a {type(widget).__name__}, not a {kind.__name__}")
    return widget


def load_form_or_build(
    name: str,
    build: Callable[[QWidget | None], QWidget],
    parent: QWidget | None = None,
    required: Iterable[str] = (),
) -> QWidget:
    """``ui/<name>.ui`` when it loads with every child named in ``required``, else ``build(parent)``.

    ``build`` makes the same form in code, for where the ``ui/`` folder is not shipped; a form that
    loads without one of its ``required`` children is dropped (never half a form).
    """
    try:
        form = load_form(name, parent)
    except (FileNotFoundError, RuntimeError):
        return build(parent)
    if all(form.findChild(QWidget, n) is not None for n in required):
        return form
    form.deleteLater()
    return build(parent)


def child(form: QWidget, kind: type[W], name: str) -> W:
    """``form``'s child widget ``name``, a ``kind``; LookupError when the form has none."""
    widget = form.findChild(kind, name)
    if widget is None:
        raise LookupError(f"form {form.objectName()!r} has no {kind.__name__} {name!r}")
    return widget
