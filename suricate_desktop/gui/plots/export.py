"""Saving what a plot shows: PNG and SVG through pyqtgraph's exporters, CSV from the chart's data.

Apart from the panel because the SVG export needs a work-round for pyqtgraph (see
``svg_paths_without_z``) that the dependency graph's canvas (``gui/depgraph``) uses as well.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtWidgets import QFileDialog, QWidget

EXPORT_FILTERS = {"png": "PNG image (*.png)", "svg": "SVG image (*.svg)", "csv": "CSV data (*.csv)"}


def save_png(canvas: pg.GraphicsLayoutWidget, path: str | Path) -> None:
    """The canvas as a PNG image, at least 400 pixels wide, on white."""
    exporter = pg.exporters.ImageExporter(canvas.ci)
    exporter.parameters()["width"] = max(int(canvas.ci.boundingRect().width()), 400)
    exporter.parameters()["background"] = pg.mkColor("w")
    exporter.export(str(path))


def save_svg(canvas: pg.GraphicsLayoutWidget, path: str | Path) -> None:
    """The canvas as an SVG image, on white."""
    exporter = pg.exporters.SVGExporter(canvas.ci)
    exporter.parameters()["background"] = pg.mkColor("w")
    with svg_paths_without_z():
        exporter.export(str(path))


def save_csv(header: Sequence[Any], rows: Sequence[Sequence[Any]], path: str | Path) -> None:
    """A header line and rows as CSV (UTF-8)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def ask_path(parent: QWidget, stream: Sequence[str], what: str) -> Path | None:
    """A save dialog for a ``what`` ("png", "svg", "csv") export of ``stream``; None if cancelled."""
    name = "_".join(stream).replace("/", "_")
    path, _ = QFileDialog.getSaveFileName(
        parent, f"Export {what.upper()}", f"{name}.{what}", EXPORT_FILTERS[what]
    )
    return Path(path) if path else None


@contextlib.contextmanager
def svg_paths_without_z() -> Iterator[None]:
    """pyqtgraph 0.14's SVG exporter cannot read the "Z" (close path) that Qt 6.10+ writes in path data
    (pyqtgraph/pyqtgraph#3485: ValueError in correctCoordinates). For the length of one export, its
    path data is given an explicit line back to the subpath's start instead, which draws the same.

    Qt's own QSvgGenerator is no way round: it writes the plot's data coordinates (epoch seconds,
    ~1.8e9) into transforms that SVG renderers apply in single precision, and the curves vanish;
    pyqtgraph's exporter maps everything to pixels first, which is why it is worth keeping.
    """
    module: Any = importlib.import_module("pyqtgraph.exporters.SVGExporter")  # untyped
    original: Callable[..., Any] = module.correctCoordinates

    def correct(node: Any, defs: Any, item: Any, options: Any) -> Any:
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d").strip()
            if "Z" in d or "z" in d:
                path.setAttribute("d", _close_explicitly(d))
        return original(node, defs, item, options)

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original


def _close_explicitly(d: str) -> str:
    out: list[str] = []
    start: str | None = None
    for token in d.split():
        if token in ("Z", "z"):
            if start is not None:
                out.append(f"L{start}")
            continue
        closing = token.endswith(("Z", "z"))
        token = token.rstrip("Zz")
        if token[:1] in ("M", "m"):
            start = token[1:]
        out.append(token)
        if closing and start is not None:
            out.append(f"L{start}")
    return " ".join(out)
