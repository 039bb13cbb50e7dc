"""The problems list: every diagnostic of the current script, with where it is and who said it.

One row per diagnostic: the severity's icon (the gutter's marker), ``file:line:col``,
the message, and its origin (``lint`` as you type; ``bpftrace``, ``dtrace``,
``translate`` or ``remote`` after a run was attempted). Double-click (or Enter)
emits :attr:`ProblemsView.problemActivated` so the pane can jump there.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from ...lang.diagnostics import Diagnostic
from .code_editor import severity_icon
from .highlighter import Theme, theme_for_palette

__all__ = ["ProblemsView", "location"]

_ORDER = {"error": 0, "warning": 1}


def location(d: Diagnostic) -> str:
    """``file:line:col`` (``file:line`` without a column, ``file`` without a line)."""
    if d.line <= 0:
        return d.file
    if d.column <= 0:
        return f"{d.file}:{d.line}"
    return f"{d.file}:{d.line}:{d.column}"


class _WrappingDelegate(QStyledItemDelegate):
    """Measures a row at its column's width, so a long message takes as many lines as it needs.

    Why: a tree view asks its delegate for a row's height without the column's width, and the text is then
    measured as one line (and cut at the dock's edge) even with word wrap on."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        # (a rect of no height is "invalid", and the style then measures one unbounded line)
        opt.rect = QRect(0, 0, self._view.header().sectionSize(index.column()), max(option.rect.height(), 1))
        opt.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        return super().sizeHint(opt, index)


class ProblemsView(QTreeWidget):
    """Diagnostics sorted by position.

    Signals
    -------
    problemActivated(object)
        A row was double-clicked or Enter was pressed on it; carries its Diagnostic.
    countsChanged(int errors, int warnings)
    """

    problemActivated = Signal(object)
    countsChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        theme = theme or theme_for_palette(self.palette())
        self._icons = {"error": severity_icon("error", theme), "warning": severity_icon("warning", theme)}
        self.setColumnCount(3)
        self.setHeaderLabels(["Location", "Message", "Source"])
        self.setRootIsDecorated(False)
        # A long message wraps in its column, whole, rather than being cut at the dock's edge.
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setUniformRowHeights(False)
        self._delegate = _WrappingDelegate(self)  # held: the view does not keep the Python object alive
        self.setItemDelegate(self._delegate)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # Re-wrap the messages at the column's new width.
        header.sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())
        self.itemActivated.connect(self._on_activated)
        self._problems: list[tuple[Diagnostic, str]] = []

    def set_problems(self, problems: list[tuple[Diagnostic, str]]) -> None:
        """Show ``(diagnostic, origin)`` pairs, sorted by line, column, severity."""
        problems = sorted(problems, key=lambda p: (p[0].line, p[0].column, _ORDER.get(p[0].severity, 2)))
        if problems == self._problems:
            return
        self._problems = problems
        self.clear()
        items = []
        for d, origin in problems:
            item = QTreeWidgetItem([location(d), d.message, origin])
            item.setIcon(0, self._icons.get(d.severity, self._icons["warning"]))
            item.setToolTip(0, d.severity)
            item.setToolTip(1, d.format())
            item.setData(0, Qt.ItemDataRole.UserRole, d)
            items.append(item)
        self.addTopLevelItems(items)
        errors, warnings = self.counts()
        self.countsChanged.emit(errors, warnings)

    def problems(self) -> list[tuple[Diagnostic, str]]:
        return list(self._problems)

    def counts(self) -> tuple[int, int]:
        errors = sum(1 for d, _ in self._problems if d.severity == "error")
        return errors, len(self._problems) - errors

    def summary(self) -> str:
        errors, warnings = self.counts()
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return ", ".join(parts) or "no problems"

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.problemActivated.emit(item.data(0, Qt.ItemDataRole.UserRole))
