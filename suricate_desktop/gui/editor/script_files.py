"""The editor pane's files: open, save (atomically), save as, unsaved changes, recent scripts.

A script is written to a temporary file in its folder and renamed over the old one, so that a
failed save never leaves half a script. The recent scripts are kept by the main window (in
QSettings): it hands them in with :meth:`ScriptFiles.set_recent` and hears of changes through the
pane's ``recentFilesChanged``.
"""

from __future__ import annotations

import os
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ...lang.lint import detect_lang
from .script_document import EXTENSIONS, ScriptDocument

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["FILE_FILTERS", "MAX_RECENT", "ScriptFiles", "ask_to_save"]

FILE_FILTERS = "Tracing scripts (*.d *.bt *.bpftrace);;D scripts (*.d);;bpftrace scripts (*.bt *.bpftrace);;All files (*)"
MAX_RECENT = 10


def ask_to_save(parent: QWidget, name: str) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel for a script with unsaved changes (tests patch ``QMessageBox.question``)."""
    buttons = (
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    return QMessageBox.question(
        parent,
        "Unsaved changes",
        f"{name} has unsaved changes. Save them before closing?",
        buttons,
        QMessageBox.StandardButton.Save,
    )


class ScriptFiles:
    """Opens and saves the pane's scripts and keeps the recent ones (with the Open Recent menu)."""

    def __init__(self, pane: EditorPane) -> None:
        self._pane = pane
        self._recent: list[str] = []
        self.recent_menu = QMenu("Open &Recent", pane)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    # -- open and save ------------------------------------------------------------------------------------
    def open_file(self, path: str | os.PathLike[str] | None = None) -> ScriptDocument | None:
        """Open a script (a file dialog when ``path`` is None); an open one is brought to the front."""
        pane = self._pane
        if path is None:
            start = os.path.dirname(self._recent[0]) if self._recent else str(Path.home())
            path, _ = QFileDialog.getOpenFileName(pane, "Open script", start, FILE_FILTERS)
            if not path:
                return None
        path = os.path.abspath(os.fspath(path))
        for doc in pane.documents():
            if doc.path and os.path.abspath(doc.path) == path:
                pane.set_current_document(doc)
                return doc
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(pane, "Open script", f"Cannot open {path}:\n{exc}")
            return None
        current = pane.current_document()
        doc = pane.new_document(detect_lang(path, text), text, path=path)
        # Opening into a fresh, untouched, empty tab replaces it (as editors do).
        if (
            current is not None
            and current.path is None
            and not current.modified
            and not current.text()
            and current is not doc
            and not current.running
        ):
            pane.remove_document(current)
        self._add_recent(path)
        pane.status.emit(f"Opened {path}")
        return doc

    def save(self, doc: ScriptDocument) -> bool:
        """Save ``doc`` to its file, or ask for one; False if it was not saved."""
        if doc.path is None:
            return self.save_as(doc, None)
        return self._write(doc, doc.path)

    def save_as(self, doc: ScriptDocument, path: str | os.PathLike[str] | None = None) -> bool:
        """Save ``doc`` under ``path`` (a file dialog when None); the extension sets the language."""
        pane = self._pane
        if path is None:
            folder = (
                os.path.dirname(doc.path)
                if doc.path
                else (os.path.dirname(self._recent[0]) if self._recent else str(Path.home()))
            )
            suggested = os.path.join(folder, doc.name)
            selected = "D scripts (*.d)" if doc.lang == "d" else "bpftrace scripts (*.bt *.bpftrace)"
            path, _ = QFileDialog.getSaveFileName(pane, "Save script as", suggested, FILE_FILTERS, selected)
            if not path:
                return False
        path = os.path.abspath(os.fspath(path))
        if not os.path.splitext(path)[1]:
            path += EXTENSIONS[doc.lang]
        if not self._write(doc, path):
            return False
        doc.path = path
        ext = os.path.splitext(path)[1].lower()
        if ext in (".d", ".bt", ".bpftrace"):
            pane.set_lang(doc, detect_lang(path))
        pane.update_tab(doc)
        self._add_recent(path)
        return True

    def confirm_discard(self, doc: ScriptDocument) -> bool:
        """Whether ``doc`` may go: unmodified, saved now, or its changes discarded (False: cancelled)."""
        if not doc.modified:
            return True
        self._pane.set_current_document(doc)
        answer = ask_to_save(self._pane, doc.name)
        if answer == QMessageBox.StandardButton.Save:
            return self.save(doc)
        return answer == QMessageBox.StandardButton.Discard

    # -- recent scripts -----------------------------------------------------------------------------------
    def set_recent(self, paths: list[str]) -> None:
        """The recent files the main window remembered (no signal)."""
        self._recent = [p for p in dict.fromkeys(str(p) for p in paths or ()) if p][:MAX_RECENT]

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        if not self._recent:
            a = menu.addAction("No recent scripts")
            a.setEnabled(False)
            return
        for i, path in enumerate(self._recent):
            a = menu.addAction(f"&{i + 1}  {os.path.basename(path)}" if i < 9 else os.path.basename(path))
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(partial(self._open_recent, path))
        menu.addSeparator()
        clear = menu.addAction("Clear Recent")
        clear.triggered.connect(self._clear_recent)

    def _open_recent(self, path: str, _checked: bool = False) -> None:
        if not os.path.exists(path):
            QMessageBox.warning(self._pane, "Open Recent", f"{path} does not exist any more.")
            self._recent = [p for p in self._recent if p != path]
            self._pane.recentFilesChanged.emit(list(self._recent))
            return
        self.open_file(path)

    def _clear_recent(self) -> None:
        self._recent = []
        self._pane.recentFilesChanged.emit([])

    def _add_recent(self, path: str) -> None:
        self._recent = [path] + [p for p in self._recent if p != path]
        del self._recent[MAX_RECENT:]
        self._pane.recentFilesChanged.emit(list(self._recent))

    # -- private ------------------------------------------------------------------------------------------
    def _write(self, doc: ScriptDocument, path: str) -> bool:
        text = doc.text()
        if text and not text.endswith("\n"):
            text += "\n"
        folder = os.path.dirname(path) or "."
        try:
            fd, tmp = tempfile.mkstemp(prefix=".suricate-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                if os.path.exists(path):
                    os.chmod(tmp, os.stat(path).st_mode & 0o7777)
                else:
                    umask = os.umask(0)
                    os.umask(umask)
                    os.chmod(tmp, 0o666 & ~umask)
                os.replace(tmp, path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            QMessageBox.warning(self._pane, "Save script", f"Cannot save {path}:\n{exc}")
            return False
        doc.editor.document().setModified(False)
        self._pane.update_tab(doc)
        self._pane.status.emit(f"Saved {path}")
        return True
