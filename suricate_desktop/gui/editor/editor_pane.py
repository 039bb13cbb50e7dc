"""The script editor pane: tabs of D and bpftrace scripts, errors as you type, templates, Run and Stop.

``EditorPane`` is a QWidget the main window docks; it owns no menu bar. The
main window picks its QActions by ``objectName`` from :meth:`EditorPane.actions`
(the last item is the Templates menu) for its File, Edit and Run menus and its
toolbar, hands it the recent scripts remembered in QSettings
(:meth:`set_recent_files`) and stores them again when they change
(:attr:`recentFilesChanged`), saves and restores the open scripts with the
workspace (:meth:`state`, :meth:`restore`), asks :meth:`maybe_save_all` in its
``closeEvent`` (and :meth:`stop_all`), adds every run's source to its sources
(:attr:`runStarted`) and draws the charts asked for (:attr:`chartRequested`).
Above the script tabs: Run and Stop, the run options (language, interval,
chart, target: local bpftrace or DTrace, or a remote agent given by
:meth:`set_remote_hosts`) and the cursor position; below them the find bar,
then the Problems and Output tabs.

Errors as you type: each edit restarts the document's 300 ms timer; when it
fires the linter runs in a worker thread (one for the pane: linting 2,000
lines measured 25 ms for D and 75 ms for bpftrace here, too much for the GUI
thread on every pause in typing), and its result is applied only if no edit
came meanwhile. A run's compile errors (the real compiler: bpftrace, DTrace,
or the remote agent's) are placed the same way, with their own origin, and go
away from a line once it is edited.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSignalBlocker, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...lang.diagnostics import Diagnostic
from ...lang.lint import detect_lang, lint
from ..sources.run import RemoteRunSource, RunSource
from .code_editor import CodeEditor
from .find_replace import FindReplaceBar
from .output import OutputView
from .problems import ProblemsView
from .run_options import RunConfig, RunOptions, chart_for, native_lang

log = logging.getLogger(__name__)

__all__ = ["EXTENSIONS", "FILE_FILTERS", "EditorPane", "ScriptDocument"]

EXTENSIONS = {"d": ".d", "bpftrace": ".bt"}
LANG_NAMES = {"d": "D", "bpftrace": "bpftrace"}
FILE_FILTERS = "Tracing scripts (*.d *.bt *.bpftrace);;D scripts (*.d);;bpftrace scripts (*.bt *.bpftrace);;All files (*)"
MAX_RECENT = 10
CATEGORY_TITLES = {
    "use": "USE method",
    "seed": "Seed one-liners",
    "cpu": "CPU",
    "disk": "Disk",
    "processes": "Processes",
    "syscalls": "System calls",
    "memory": "Memory",
    "network": "Network",
}


class ScriptDocument:
    """One open script: its editor, file, language, run options and its current run."""

    def __init__(self, editor: CodeEditor, path: str | None, lang: str, untitled_name: str) -> None:
        self.editor = editor
        self.path = path
        self.lang = lang
        self.untitled_name = untitled_name
        self.run_config = RunConfig()
        #: A template's chart, used for "auto" (None: from each aggregation's kind).
        self.chart_hint: str | None = None
        #: The current or last run of this document.
        self.source: RunSource | RemoteRunSource | None = None
        self.revision = 0
        self.lint_inflight = False
        self.lint_again = False
        self.lint_timer: QTimer | None = None
        self.closed = False

    @property
    def name(self) -> str:
        return os.path.basename(self.path) if self.path else self.untitled_name

    @property
    def modified(self) -> bool:
        return self.editor.document().isModified()

    @property
    def running(self) -> bool:
        return self.source is not None and self.source.running

    def text(self) -> str:
        return self.editor.toPlainText()

    def __repr__(self) -> str:
        return f"<ScriptDocument {self.name} {self.lang}{' modified' if self.modified else ''}>"


class _LintWorker(QObject):
    """Runs the linter in one worker thread; results come back to the GUI thread as a queued signal."""

    done = Signal(object, int, object)  # document, revision, diagnostics

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="lint")

    def submit(
        self, doc: ScriptDocument, revision: int, text: str, lang: str, file: str, platform: str | None
    ) -> None:
        try:
            future = self._pool.submit(lint, text, lang, file, platform)
        except RuntimeError:  # shut down: the pane is going away
            return
        future.add_done_callback(partial(self._deliver, doc, revision))

    def _deliver(self, doc: ScriptDocument, revision: int, future: concurrent.futures.Future) -> None:
        try:
            diagnostics = future.result()
        except concurrent.futures.CancelledError:
            return
        except Exception as exc:
            log.warning("the linter failed: %s", exc, exc_info=True)
            diagnostics = []
        try:
            self.done.emit(doc, revision, diagnostics)
        except RuntimeError:  # the pane is gone
            pass

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


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


class EditorPane(QWidget):
    """Script tabs, problems list, output pane and run controls.

    Signals
    -------
    runStarted(object source)
        A RunSource or RemoteRunSource started (the main window adds it to its sources).
    runStopped(object source)
        That run ended: stopped, finished, or failed (``source.state``/``source.detail`` say which).
    chartRequested(object store, tuple stream, str chart)
        A run's first snapshot of an aggregation arrived: draw ``stream`` of ``store`` as ``chart``
        (the run options' choice; for "auto" a template's own chart, else "auto": the plot
        panel picks from the aggregation's kind).
    recentFilesChanged(list)
        The recent files (newest first) changed; the main window keeps them in QSettings.
    status(str)
        A short message for the status bar.
    """

    runStarted = Signal(object)
    runStopped = Signal(object)
    chartRequested = Signal(object, tuple, str)
    recentFilesChanged = Signal(list)
    status = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        remote_hosts: list[str] | None = None,
        broker_url: str | None = None,
        client_factory: Callable[[str], object] | None = None,
        lint_delay_ms: int = 300,
        templates_root: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editor-pane")
        self.lint_delay_ms = lint_delay_ms
        #: Passed to lint() for the per-OS checks (None: none).
        self.lint_platform: str | None = None
        self._docs: list[ScriptDocument] = []
        self._untitled = itertools.count(1)
        self._recent: list[str] = []
        self._broker_url = broker_url
        self._client_factory = client_factory
        self._exchange: str | None = None
        self._templates_root = templates_root
        self._shut_down = False
        #: The language the user last chose in the run options (None: not yet, new scripts get the native one).
        self._chosen_lang: str | None = None
        self._linter = _LintWorker(self)
        self._linter.done.connect(self._on_lint_done)

        # -- widgets ---------------------------------------------------------------------------------
        self.run_options = RunOptions()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("script-tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideMiddle)
        self.find_bar = FindReplaceBar()
        self.problems = ProblemsView()
        self.output = OutputView()
        self.position_label = QLabel()
        self.position_label.setObjectName("cursor-position")
        self.position_label.setMinimumWidth(110)
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self._make_actions()

        toolbar = QToolBar("Script")
        toolbar.setObjectName("editor-toolbar")
        toolbar.setIconSize(QSize(16, 16))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.run_action)
        toolbar.addAction(self.stop_action)
        self.toolbar = toolbar
        top = QWidget()
        top.setObjectName("editor-run-bar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(2, 2, 6, 2)
        top_row.setSpacing(8)
        top_row.addWidget(toolbar, 0, Qt.AlignmentFlag.AlignTop)
        top_row.addWidget(self.run_options, 1)
        top_row.addWidget(self.position_label, 0, Qt.AlignmentFlag.AlignTop)

        editor_area = QWidget()
        ea = QVBoxLayout(editor_area)
        ea.setContentsMargins(0, 0, 0, 0)
        ea.setSpacing(0)
        self._stack = QStackedWidget()
        self._stack.addWidget(self._make_placeholder())
        self._stack.addWidget(self.tabs)
        ea.addWidget(self._stack, 1)
        ea.addWidget(self.find_bar)

        self.bottom = QTabWidget()
        self.bottom.setObjectName("editor-bottom")
        self.bottom.setDocumentMode(True)
        self.bottom.addTab(self.problems, "Problems")
        self.bottom.addTab(self.output, "Output")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(editor_area)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 160])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.splitter, 1)

        # -- wiring -----------------------------------------------------------------------------------
        self.tabs.currentChanged.connect(self._on_current_changed)
        self.tabs.tabCloseRequested.connect(lambda i: self.close_document(self._doc_at(i)))
        self.problems.problemActivated.connect(self._go_to_problem)
        self.problems.countsChanged.connect(self._on_problem_counts)
        self.find_bar.message.connect(self.status)
        self.run_options.changed.connect(self._on_run_options_changed)
        self.run_options.langChanged.connect(self._on_lang_chosen)
        if remote_hosts:
            self.set_remote_hosts(remote_hosts)
        self._update_actions()
        app = QCoreApplication.instance()
        if app is not None:
            # A tracer (bpftrace) must not outlive the application: stop and wait for the runs.
            app.aboutToQuit.connect(self._on_about_to_quit)

    # =================================================================================================
    # Public API: documents
    # =================================================================================================
    def documents(self) -> list[ScriptDocument]:
        return list(self._docs)

    @property
    def chosen_lang(self) -> str | None:
        """The language the user last chose in the run options, None before any choice."""
        return self._chosen_lang

    @property
    def default_lang(self) -> str:
        """The language a new script gets: the one the user last chose, else the one this machine's tracer runs."""
        return self._chosen_lang or native_lang()

    def current_document(self) -> ScriptDocument | None:
        return self._doc_for_widget(self.tabs.currentWidget())

    def current_editor(self) -> CodeEditor | None:
        doc = self.current_document()
        return doc.editor if doc else None

    def set_current_document(self, doc: ScriptDocument) -> None:
        self.tabs.setCurrentWidget(doc.editor)

    def new_document(
        self,
        lang: str | None = None,
        text: str = "",
        *,
        path: str | None = None,
        name: str | None = None,
        modified: bool = False,
    ) -> ScriptDocument:
        """A new tab holding ``text`` in ``lang`` ("d" or "bpftrace"; None: :attr:`default_lang`), current."""
        lang = "bpftrace" if (lang or self.default_lang) in ("bpftrace", "bt") else "d"
        untitled = name or f"untitled-{next(self._untitled)}{EXTENSIONS[lang]}"
        editor = CodeEditor(lang=lang)
        doc = ScriptDocument(editor, path, lang, untitled)
        current = self.current_document()
        if current is not None:  # a new script starts from the current one's run options
            doc.run_config = replace(current.run_config, chart="auto")
        else:
            doc.run_config = self.run_options.config()
        editor.setPlainText(text)
        editor.document().setModified(modified)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(self.lint_delay_ms)
        timer.timeout.connect(partial(self._lint_now, doc))
        doc.lint_timer = timer
        editor.textEdited.connect(partial(self._on_text_edited, doc))
        editor.document().modificationChanged.connect(partial(self._on_modification_changed, doc))
        editor.markersChanged.connect(partial(self._on_markers_changed, doc))
        editor.cursorPositionChanged.connect(partial(self._on_cursor_moved, doc))
        editor.undoAvailable.connect(partial(self._for_current, doc, self.undo_action.setEnabled))
        editor.redoAvailable.connect(partial(self._for_current, doc, self.redo_action.setEnabled))
        editor.copyAvailable.connect(partial(self._for_current, doc, self.cut_action.setEnabled))
        editor.copyAvailable.connect(partial(self._for_current, doc, self.copy_action.setEnabled))
        self._docs.append(doc)
        index = self.tabs.addTab(editor, "")
        self._update_tab(doc)
        self._stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(index)
        editor.setFocus()
        self._lint_now(doc)
        return doc

    def open_file(self, path: str | os.PathLike | None = None) -> ScriptDocument | None:
        """Open a script (a file dialog when ``path`` is None); an open one is brought to the front."""
        if path is None:
            start = os.path.dirname(self._recent[0]) if self._recent else str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, "Open script", start, FILE_FILTERS)
            if not path:
                return None
        path = os.path.abspath(os.fspath(path))
        for doc in self._docs:
            if doc.path and os.path.abspath(doc.path) == path:
                self.set_current_document(doc)
                return doc
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Open script", f"Cannot open {path}:\n{exc}")
            return None
        current = self.current_document()
        doc = self.new_document(detect_lang(path, text), text, path=path)
        # Opening into a fresh, untouched, empty tab replaces it (as editors do).
        if (
            current is not None
            and current.path is None
            and not current.modified
            and not current.text()
            and current is not doc
            and not current.running
        ):
            self._remove_document(current)
        self._add_recent(path)
        self.status.emit(f"Opened {path}")
        return doc

    def save(self, doc: ScriptDocument | None = None) -> bool:
        """Save ``doc`` (the current one) to its file, or ask for one; False if it was not saved."""
        doc = doc or self.current_document()
        if doc is None:
            return False
        if doc.path is None:
            return self.save_as(None, doc)
        return self._write(doc, doc.path)

    def save_as(self, path: str | os.PathLike | None = None, doc: ScriptDocument | None = None) -> bool:
        """Save ``doc`` under ``path`` (a file dialog when None); the extension sets the language."""
        doc = doc or self.current_document()
        if doc is None:
            return False
        if path is None:
            folder = (
                os.path.dirname(doc.path)
                if doc.path
                else (os.path.dirname(self._recent[0]) if self._recent else str(Path.home()))
            )
            suggested = os.path.join(folder, doc.name)
            selected = "D scripts (*.d)" if doc.lang == "d" else "bpftrace scripts (*.bt *.bpftrace)"
            path, _ = QFileDialog.getSaveFileName(self, "Save script as", suggested, FILE_FILTERS, selected)
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
            self._set_lang(doc, detect_lang(path))
        self._update_tab(doc)
        self._add_recent(path)
        return True

    def close_document(self, doc: ScriptDocument | None = None) -> bool:
        """Close ``doc`` (the current one), asking to save unsaved changes; False if the user cancelled."""
        doc = doc or self.current_document()
        if doc is None:
            return False
        if not self._confirm_discard(doc):
            return False
        self._remove_document(doc)
        return True

    def maybe_save_all(self) -> bool:
        """Ask about every modified script (Save / Discard / Cancel); False if the user cancelled.

        For the main window's ``closeEvent``; it does not close anything (call :meth:`stop_all` too).
        """
        for doc in list(self._docs):
            if doc.modified and not self._confirm_discard(doc):
                return False
        return True

    def insert_template(self, template, lang: str) -> ScriptDocument:
        """A new tab with ``template``'s script in ``lang``, its interval and its chart as "auto"."""
        lang = "bpftrace" if lang in ("bpftrace", "bt") else "d"
        doc = self.new_document(lang, template.script(lang), name=f"{template.id}{EXTENSIONS[lang]}")
        doc.chart_hint = template.chart
        doc.run_config = replace(doc.run_config, interval=float(template.interval), chart="auto")
        self._show_run_config(doc)
        self.status.emit(f"Template: {template.title} ({LANG_NAMES[lang]})")
        return doc

    # -- recent files -------------------------------------------------------------------------------------
    def set_recent_files(self, paths: list[str]) -> None:
        """The recent files the main window remembered (no signal)."""
        self._recent = [p for p in dict.fromkeys(str(p) for p in paths or ()) if p][:MAX_RECENT]

    # -- remote hosts ---------------------------------------------------------------------------------------
    def set_remote_hosts(
        self,
        hosts: list[str],
        broker_url: str | None = None,
        client_factory: Callable[[str], object] | None = None,
        exchange: str | None = None,
    ) -> None:
        """Offer ``hosts`` (agents started with ``--control``) as run targets.

        ``client_factory(host)`` returns a ``ControlClient`` for that host (the
        caller owns and closes it); without one each remote run makes its own
        ``ControlClient(broker_url, host, load_secret())`` and closes it at the end.
        ``exchange`` is the data exchange the agents publish to ("suricate" by default).
        """
        if broker_url is not None:
            self._broker_url = broker_url
        if client_factory is not None:
            self._client_factory = client_factory
        if exchange is not None:
            self._exchange = exchange
        self.run_options.set_remote_hosts(hosts)

    # =================================================================================================
    # Public API: runs
    # =================================================================================================
    def run(self, doc: ScriptDocument | None = None) -> RunSource | RemoteRunSource | None:
        """Run ``doc`` (the current one) with its run options; its source, or None."""
        doc = doc or self.current_document()
        if doc is None:
            return None
        if doc.running:
            self.status.emit(f"{doc.name} is running already")
            return doc.source
        cfg = doc.run_config
        text = doc.text()
        for origin in {m.origin for m in doc.editor.markers()} - {"lint"}:
            doc.editor.clear_diagnostics(origin)
        if cfg.target == "remote" and cfg.host:
            source = RemoteRunSource(
                text,
                doc.lang,
                cfg.host,
                interval=cfg.interval,
                duration=cfg.duration,
                name=f"run: {doc.name} on {cfg.host}",
                file=doc.name,
                broker_url=self._broker_url,
                exchange=self._exchange,
                client_factory=self._client_factory,
            )
        else:
            source = RunSource(
                text,
                doc.lang,
                cfg.backend,
                interval=cfg.interval,
                duration=cfg.duration,
                name=f"run: {doc.name}",
                file=doc.name,
            )
        signals = source.signals
        signals.output.connect(self.output.append_text)
        signals.stateChanged.connect(partial(self._on_run_state, doc, source))
        signals.diagnostics.connect(partial(self._on_compile_diagnostics, doc, source))
        signals.streamAdded.connect(partial(self._on_stream_added, doc, source))
        signals.finished.connect(partial(self._on_run_finished, doc, source))
        doc.source = source
        self.output.append_status(f"▶ {doc.name}: {LANG_NAMES[doc.lang]} on {cfg.describe()}")
        self.bottom.setCurrentWidget(self.output)
        source.start()
        self._update_tab(doc)
        self._update_actions()
        self.runStarted.emit(source)
        self.status.emit(f"Running {doc.name}")
        return source

    def stop(self, doc: ScriptDocument | None = None) -> None:
        """Stop ``doc``'s run (the current one's); returns at once, :attr:`runStopped` says when it ended."""
        doc = doc or self.current_document()
        if doc is None or not doc.running:
            return
        doc.source.stop()
        self.output.append_status(f"■ {doc.name}: stopping…")
        self.stop_action.setEnabled(False)

    def stop_all(self, timeout: float = 5.0) -> None:
        """Stop every run and wait up to ``timeout`` seconds in all for them to end."""
        import time

        running = [d.source for d in self._docs if d.running]
        for source in running:
            source.stop()
        deadline = time.monotonic() + timeout
        for source in running:
            source.wait(max(0.0, deadline - time.monotonic()))

    # =================================================================================================
    # Public API: actions and menus for the main window
    # =================================================================================================
    def actions(self) -> list:
        """The pane's QActions in menu order, then the Templates QMenu.

        Each action's ``objectName`` names it for the main window: ``new-d``,
        ``new-bpftrace``, ``open``, ``save``, ``save-as``, ``close``, ``undo``,
        ``redo``, ``cut``, ``copy``, ``paste``, ``select-all``, ``find``,
        ``replace``, ``find-next``, ``find-previous``, ``run``, ``stop``,
        ``clear-output``. The File menu's "Open Recent" submenu is in :meth:`menus`.
        """
        out: list = []
        for menu in (self.file_menu, self.edit_menu, self.run_menu):
            out.extend(a for a in menu.actions() if not a.isSeparator() and a.menu() is None)
        out.append(self.templates_menu)
        return out

    def menus(self) -> list[QMenu]:
        """File (with its Open Recent), Edit, Templates and Run menus as the pane builds them."""
        return [self.file_menu, self.edit_menu, self.templates_menu, self.run_menu]

    # =================================================================================================
    # Public API: workspace
    # =================================================================================================
    def state(self) -> dict:
        """Open documents (a path, or the text when unsaved), languages, cursors and run options."""
        docs = []
        for doc in self._docs:
            entry = {
                "path": doc.path,
                "name": doc.untitled_name,
                "lang": doc.lang,
                "modified": doc.modified,
                "cursor": doc.editor.textCursor().position(),
                "run": doc.run_config.to_dict(),
                "chart_hint": doc.chart_hint,
            }
            if doc.path is None or doc.modified:
                entry["text"] = doc.text()
            docs.append(entry)
        current = self.current_document()
        return {
            "documents": docs,
            "current": self._docs.index(current) if current in self._docs else -1,
            "lang": self._chosen_lang,
            "splitter": [int(s) for s in self.splitter.sizes()],
        }

    def restore(self, state: dict | None) -> None:
        """Reopen what :meth:`state` kept (after the documents already open); missing files are skipped."""
        if not state:
            return
        if state.get("lang") in ("d", "bpftrace"):
            self._chosen_lang = state["lang"]
            if self.current_document() is None:
                self.run_options.set_lang(self._chosen_lang)
        opened: list[ScriptDocument | None] = []
        for entry in state.get("documents", []):
            path = entry.get("path")
            text = entry.get("text")
            lang = entry.get("lang") or self.default_lang
            doc = None
            if text is None and path:
                if not os.path.exists(path):
                    self.status.emit(f"Not reopened: {path} is gone")
                    opened.append(None)
                    continue
                doc = self.open_file(path)
                if doc is not None and entry.get("lang") in ("d", "bpftrace"):
                    self._set_lang(doc, entry["lang"])
            elif text is not None:
                doc = self.new_document(
                    lang,
                    text,
                    path=path,
                    name=entry.get("name"),
                    modified=bool(entry.get("modified", path is None and bool(text))),
                )
            if doc is not None:
                doc.run_config = RunConfig.from_dict(entry.get("run"))
                doc.chart_hint = entry.get("chart_hint")
                cursor = doc.editor.textCursor()
                cursor.setPosition(min(int(entry.get("cursor", 0)), len(doc.text())))
                doc.editor.setTextCursor(cursor)
            opened.append(doc)
        current = state.get("current", -1)
        if 0 <= current < len(opened) and opened[current] is not None:
            self.set_current_document(opened[current])
        if self.current_document() is not None:
            self._show_run_config(self.current_document())
        sizes = state.get("splitter")
        if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(s, int) for s in sizes):
            self.splitter.setSizes(sizes)

    # =================================================================================================
    # Qt overrides
    # =================================================================================================
    def sizeHint(self) -> QSize:
        """Modest, so that a docked editor leaves room for the plots (the run options wrap when narrow)."""
        return QSize(640, 600)

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.shutdown(timeout=15.0)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the runs and the lint worker (the pane is going away)."""
        self._shut_down = True
        for doc in self._docs:
            if doc.lint_timer is not None:
                doc.lint_timer.stop()
        self.stop_all(timeout)
        self._linter.shutdown()

    # =================================================================================================
    # Private: actions and menus
    # =================================================================================================
    def _action(
        self,
        text: str,
        slot,
        shortcuts=(),
        tip: str = "",
        name: str = "",
        icon=None,
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(context)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        SP = QStyle.StandardPixmap
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.new_d_action = self._action(
            "New &D script",
            lambda: self.new_document("d"),
            ["Ctrl+Shift+D"],
            "A new, empty D (DTrace) script",
            "new-d",
            SP.SP_FileIcon,
        )
        self.new_bt_action = self._action(
            "New &bpftrace script",
            lambda: self.new_document("bpftrace"),
            ["Ctrl+Shift+B"],
            "A new, empty bpftrace script",
            "new-bpftrace",
            SP.SP_FileIcon,
        )
        self.new_action = self.new_bt_action if native_lang() == "bpftrace" else self.new_d_action
        self.new_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.New), *self.new_action.shortcuts()]
        )
        self.open_action = self._action(
            "&Open…",
            self.open_file,
            [QKeySequence.StandardKey.Open],
            "Open a .d or .bt script",
            "open",
            SP.SP_DialogOpenButton,
        )
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.save_action = self._action(
            "&Save",
            self.save,
            [QKeySequence.StandardKey.Save],
            "Save the script",
            "save",
            SP.SP_DialogSaveButton,
        )
        self.save_as_action = self._action(
            "Save &As…",
            lambda: self.save_as(),
            ["Ctrl+Shift+S"],
            "Save the script under another name",
            "save-as",
        )
        self.close_action = self._action(
            "&Close",
            self.close_document,
            [QKeySequence.StandardKey.Close],
            "Close the script",
            "close",
            context=here,
        )

        def on_editor(method: str):
            return lambda: getattr(self.current_editor(), method)() if self.current_editor() else None

        self.undo_action = self._action(
            "&Undo", on_editor("undo"), [QKeySequence.StandardKey.Undo], name="undo", context=here
        )
        self.redo_action = self._action(
            "&Redo", on_editor("redo"), [QKeySequence.StandardKey.Redo], name="redo", context=here
        )
        self.cut_action = self._action(
            "Cu&t", on_editor("cut"), [QKeySequence.StandardKey.Cut], name="cut", context=here
        )
        self.copy_action = self._action(
            "&Copy", on_editor("copy"), [QKeySequence.StandardKey.Copy], name="copy", context=here
        )
        self.paste_action = self._action(
            "&Paste", on_editor("paste"), [QKeySequence.StandardKey.Paste], name="paste", context=here
        )
        self.select_all_action = self._action(
            "Select &All",
            on_editor("selectAll"),
            [QKeySequence.StandardKey.SelectAll],
            name="select-all",
            context=here,
        )
        self.find_action = self._action(
            "&Find…", self.find_bar.show_find, ["Ctrl+F"], "Find in the script", "find", context=here
        )
        self.replace_action = self._action(
            "R&eplace…",
            self.find_bar.show_replace,
            ["Ctrl+H"],
            "Find and replace in the script",
            "replace",
            context=here,
        )
        self.find_next_action = self._action(
            "Find &Next", self.find_bar.find_next, ["F3"], name="find-next", context=here
        )
        self.find_prev_action = self._action(
            "Find Pre&vious", self.find_bar.find_previous, ["Shift+F3"], name="find-previous", context=here
        )
        self.run_action = self._action(
            "&Run",
            self.run,
            ["F5", "Ctrl+R"],
            "Run the script with the run options (F5)",
            "run",
            SP.SP_MediaPlay,
        )
        self.stop_action = self._action(
            "&Stop", self.stop, ["Shift+F5"], "Stop the script's run (Shift+F5)", "stop", SP.SP_MediaStop
        )
        self.clear_output_action = self._action(
            "Clear &Output", self.output.clear, tip="Clear the output pane", name="clear-output"
        )

        self.file_menu = QMenu("&File", self)
        for a in (self.new_d_action, self.new_bt_action, self.open_action):
            self.file_menu.addAction(a)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        for a in (self.save_action, self.save_as_action):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_action)

        self.edit_menu = QMenu("&Edit", self)
        for a in (
            self.undo_action,
            self.redo_action,
            None,
            self.cut_action,
            self.copy_action,
            self.paste_action,
            self.select_all_action,
            None,
            self.find_action,
            self.replace_action,
            self.find_next_action,
            self.find_prev_action,
        ):
            if a is None:
                self.edit_menu.addSeparator()
            else:
                self.edit_menu.addAction(a)

        self.templates_menu = QMenu("&Templates", self)
        self.templates_menu.setToolTipsVisible(True)
        self._fill_templates_menu()

        self.run_menu = QMenu("&Run", self)
        for a in (self.run_action, self.stop_action, None, self.clear_output_action):
            if a is None:
                self.run_menu.addSeparator()
            else:
                self.run_menu.addAction(a)

    def _fill_templates_menu(self) -> None:
        from ...lang.templates import TemplateError, load_templates

        menu = self.templates_menu
        menu.clear()
        try:
            templates = load_templates(self._templates_root)
        except (OSError, TemplateError) as exc:
            a = menu.addAction(f"No templates ({exc})")
            a.setEnabled(False)
            return
        self.templates = templates
        native = native_lang()
        order = [native] + [lang for lang in ("bpftrace", "d") if lang != native]
        by_category: dict[str, list] = {}
        for t in templates:
            by_category.setdefault(t.category, []).append(t)
        for category, group in by_category.items():
            sub = menu.addMenu(CATEGORY_TITLES.get(category, category.replace("-", " ").capitalize()))
            sub.setToolTipsVisible(True)
            for t in group:
                tm = sub.addMenu(t.title)
                tm.setToolTipsVisible(True)
                tm.menuAction().setToolTip(t.description)
                tm.menuAction().setStatusTip(t.description)
                tm.menuAction().setData(t.id)
                for lang in order:
                    label = "bpftrace (.bt)" if lang == "bpftrace" else "D (.d)"
                    if lang == "bpftrace" and t.bt_origin == "translated":
                        label += "  translated from D"
                    a = tm.addAction(label)
                    a.setObjectName(f"template.{t.id}.{lang}")
                    a.setData((t.id, lang))
                    a.setToolTip(f"{t.description} Chart: {t.chart}; every {t.interval:g} s.")
                    a.triggered.connect(partial(self._insert_template_action, t, lang))

    def _insert_template_action(self, template, lang: str, _checked: bool = False) -> None:
        self.insert_template(template, lang)

    def template_actions(self) -> list[QAction]:
        """Every "open this template in this language" action of the Templates menu."""
        out = []

        def walk(menu: QMenu) -> None:
            for a in menu.actions():
                if a.menu() is not None:
                    walk(a.menu())
                elif isinstance(a.data(), tuple):
                    out.append(a)

        walk(self.templates_menu)
        return out

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
            QMessageBox.warning(self, "Open Recent", f"{path} does not exist any more.")
            self._recent = [p for p in self._recent if p != path]
            self.recentFilesChanged.emit(list(self._recent))
            return
        self.open_file(path)

    def _clear_recent(self) -> None:
        self._recent = []
        self.recentFilesChanged.emit([])

    def _add_recent(self, path: str) -> None:
        self._recent = [path] + [p for p in self._recent if p != path]
        del self._recent[MAX_RECENT:]
        self.recentFilesChanged.emit(list(self._recent))

    def _make_placeholder(self) -> QWidget:
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.addStretch(1)
        label = QLabel(
            "<h3>No script open</h3><p>Start a new one, open a <tt>.d</tt> or <tt>.bt</tt> file, "
            "or pick one from the Templates menu.</p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        for text, slot in (
            ("New bpftrace script", lambda: self.new_document("bpftrace")),
            ("New D script", lambda: self.new_document("d")),
            ("Open…", self.open_file),
        ):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(b)
        templates = QPushButton("Templates")
        templates.setMenu(self.templates_menu if hasattr(self, "templates_menu") else None)
        self._placeholder_templates = templates
        row.addWidget(templates)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return w

    # =================================================================================================
    # Private: documents
    # =================================================================================================
    def _doc_for_widget(self, widget) -> ScriptDocument | None:
        return next((d for d in self._docs if d.editor is widget), None)

    def _doc_at(self, index: int) -> ScriptDocument | None:
        return self._doc_for_widget(self.tabs.widget(index))

    def _for_current(self, doc: ScriptDocument, setter, value: bool) -> None:
        if doc is self.current_document():
            setter(value)

    def _confirm_discard(self, doc: ScriptDocument) -> bool:
        if not doc.modified:
            return True
        self.set_current_document(doc)
        answer = ask_to_save(self, doc.name)
        if answer == QMessageBox.StandardButton.Save:
            return self.save(doc)
        return answer == QMessageBox.StandardButton.Discard

    def _remove_document(self, doc: ScriptDocument) -> None:
        if doc.running:
            doc.source.stop()
            self.output.append_status(f"■ {doc.name}: stopped (its tab was closed)")
        doc.closed = True
        if doc.lint_timer is not None:
            doc.lint_timer.stop()
            doc.lint_timer.deleteLater()
        index = self.tabs.indexOf(doc.editor)
        self._docs.remove(doc)
        if self.find_bar.editor() is doc.editor:
            self.find_bar.set_editor(None)
        if index >= 0:
            self.tabs.removeTab(index)
        doc.editor.deleteLater()
        if not self._docs:
            self._stack.setCurrentIndex(0)
            self.problems.set_problems([])
        self._update_actions()

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
            QMessageBox.warning(self, "Save script", f"Cannot save {path}:\n{exc}")
            return False
        doc.editor.document().setModified(False)
        self._update_tab(doc)
        self.status.emit(f"Saved {path}")
        return True

    def _set_lang(self, doc: ScriptDocument, lang: str) -> None:
        lang = "bpftrace" if lang in ("bpftrace", "bt") else "d"
        if lang == doc.lang:
            return
        doc.lang = lang
        doc.editor.set_lang(lang)
        doc.editor.clear_diagnostics()
        if doc is self.current_document():
            self.run_options.set_lang(lang)
        self._update_tab(doc)
        self._lint_now(doc)

    def _update_tab(self, doc: ScriptDocument) -> None:
        index = self.tabs.indexOf(doc.editor)
        if index < 0:
            return
        title = ("▶ " if doc.running else "") + doc.name + (" *" if doc.modified else "")
        self.tabs.setTabText(index, title)
        tip = doc.path or f"{doc.name} (not saved yet)"
        tip += f"\n{LANG_NAMES[doc.lang]}"
        if doc.source is not None:
            tip += f"\nrun: {doc.source.state}" + (f" ({doc.source.detail})" if doc.source.detail else "")
        self.tabs.setTabToolTip(index, tip)

    def _on_current_changed(self, _index: int) -> None:
        doc = self.current_document()
        self.find_bar.set_editor(doc.editor if doc else None)
        if doc is not None:
            self._show_run_config(doc)
            self._on_cursor_moved(doc)
        else:
            self.run_options.set_lang(self.default_lang)
        self._refresh_problems()
        self._update_actions()

    def _show_run_config(self, doc: ScriptDocument) -> None:
        with QSignalBlocker(self.run_options):
            self.run_options.set_config(doc.run_config)
            self.run_options.set_lang(doc.lang)

    def _on_run_options_changed(self) -> None:
        doc = self.current_document()
        if doc is not None:
            doc.run_config = self.run_options.config()

    def _on_lang_chosen(self, lang: str) -> None:
        self._chosen_lang = lang
        doc = self.current_document()
        if doc is not None:
            self._set_lang(doc, lang)

    def _on_modification_changed(self, doc: ScriptDocument, _modified: bool) -> None:
        self._update_tab(doc)
        self._update_actions()

    def _on_cursor_moved(self, doc: ScriptDocument) -> None:
        if doc is not self.current_document():
            return
        cursor = doc.editor.textCursor()
        self.position_label.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")

    def _update_actions(self) -> None:
        doc = self.current_document()
        has = doc is not None
        for a in (
            self.save_action,
            self.save_as_action,
            self.close_action,
            self.paste_action,
            self.select_all_action,
            self.find_action,
            self.replace_action,
            self.find_next_action,
            self.find_prev_action,
        ):
            a.setEnabled(has)
        self.run_action.setEnabled(has and not doc.running)
        self.stop_action.setEnabled(has and doc.running)
        editor = doc.editor if has else None
        self.undo_action.setEnabled(bool(editor and editor.document().isUndoAvailable()))
        self.redo_action.setEnabled(bool(editor and editor.document().isRedoAvailable()))
        selected = bool(editor and editor.textCursor().hasSelection())
        self.cut_action.setEnabled(selected)
        self.copy_action.setEnabled(selected)

    # =================================================================================================
    # Private: linting and problems
    # =================================================================================================
    def _on_text_edited(self, doc: ScriptDocument, *_args) -> None:
        doc.revision += 1
        if doc.lint_timer is not None:
            doc.lint_timer.start()

    def _lint_now(self, doc: ScriptDocument) -> None:
        if doc.closed or self._shut_down:
            return
        if doc.lint_inflight:
            doc.lint_again = True
            return
        doc.lint_inflight = True
        self._linter.submit(doc, doc.revision, doc.text(), doc.lang, doc.name, self.lint_platform)

    @Slot(object, int, object)
    def _on_lint_done(self, doc: ScriptDocument, revision: int, diagnostics: list) -> None:
        doc.lint_inflight = False
        if doc.closed:
            return
        if revision == doc.revision:
            doc.editor.set_diagnostics(diagnostics, "lint")
        if doc.lint_again:
            doc.lint_again = False
            self._lint_now(doc)

    def _on_markers_changed(self, doc: ScriptDocument) -> None:
        if doc is self.current_document():
            self._refresh_problems()

    def _refresh_problems(self) -> None:
        doc = self.current_document()
        if doc is None:
            self.problems.set_problems([])
            return
        problems: list[tuple[Diagnostic, str]] = []
        seen: set[tuple] = set()
        # The compiler's first, so that the linter's copy of the same finding is the one left out.
        markers = sorted(doc.editor.markers(), key=lambda m: m.origin == "lint")
        for m in markers:
            d = replace(m.current(), file=doc.name)
            key = (d.line, d.message)
            if key in seen:
                continue
            seen.add(key)
            problems.append((d, m.origin))
        self.problems.set_problems(problems)

    def _on_problem_counts(self, errors: int, warnings: int) -> None:
        index = self.bottom.indexOf(self.problems)
        text = "Problems"
        if errors or warnings:
            text += f" ({self.problems.summary()})"
        self.bottom.setTabText(index, text)

    def _go_to_problem(self, d: Diagnostic) -> None:
        editor = self.current_editor()
        if editor is not None and d is not None and d.line > 0:
            editor.go_to(d.line, max(1, d.column))

    # =================================================================================================
    # Private: runs
    # =================================================================================================
    def _on_run_state(self, doc: ScriptDocument, source, state: str, detail: str) -> None:
        if state == "running":
            self.output.append_status(f"{doc.name}: running ({detail})", "ok")
        elif state == "compiling":
            self.output.append_status(f"{doc.name}: {detail}")
        self._update_tab(doc)
        self.status.emit(f"{doc.name}: {state}" + (f" ({detail})" if detail else ""))

    def _on_compile_diagnostics(self, doc: ScriptDocument, source, diagnostics: list, origin: str) -> None:
        if doc.closed or doc.source is not source:
            return
        doc.editor.set_diagnostics(diagnostics, origin, drop_on_edit=True)
        if doc is not self.current_document():
            self.set_current_document(doc)
        self._refresh_problems()
        self.bottom.setCurrentWidget(self.problems)

    def _on_stream_added(self, doc: ScriptDocument, source, stream: tuple, kind: str, keyed: bool) -> None:
        self.chartRequested.emit(source.store, tuple(stream), chart_for(doc.run_config.chart, doc.chart_hint))

    def _on_run_finished(self, doc: ScriptDocument, source) -> None:
        kind = "error" if source.state == "error" else "info"
        self.output.append_status(
            f"■ {doc.name}: {source.state}" + (f" ({source.detail})" if source.detail else ""), kind
        )
        if not doc.closed:
            self._update_tab(doc)
        self._update_actions()
        self.runStopped.emit(source)
        self.status.emit(f"{doc.name}: {source.state}" + (f" ({source.detail})" if source.detail else ""))
