"""The script editor pane: tabs of D and bpftrace scripts with their run bar, Problems and Output.

``EditorPane`` is a QWidget the main window docks; it owns no menu bar. It makes its widgets,
keeps the open documents and their tabs (title, tooltip, language, cursor position, the run
options shown for the current one), and is the one face of the editor to the main window.
The rest is done by parts it owns, one job each:

* :class:`~.pane_layout.PaneLayout`: the run bar, the script tabs or a placeholder, the find bar,
  the Problems and Output tabs;
* :class:`~.pane_actions.PaneActions`: its QActions and File, Edit and Run menus, which the main
  window picks by ``objectName`` from :meth:`EditorPane.actions`;
* :class:`~.script_files.ScriptFiles`: open, save, unsaved changes, recent scripts;
* :class:`~.run_control.RunControl`: Run and Stop, and what a run reports back;
* :class:`~.lint_wiring.LintWiring`: errors as you type and the Problems list;
* :class:`~.templates_menu.TemplatesMenu`: the Templates menu;
* :mod:`~.workspace_state`: the open scripts saved with the workspace and reopened
  (:meth:`EditorPane.state`, :meth:`EditorPane.restore`).

The main window hands the pane the recent scripts remembered in QSettings
(:meth:`~EditorPane.set_recent_files`) and stores them again when they change
(:attr:`~EditorPane.recentFilesChanged`), gives it the remote hosts
(:meth:`~EditorPane.set_remote_hosts`), asks :meth:`~EditorPane.maybe_save_all` in its
``closeEvent`` (and :meth:`~EditorPane.stop_all`), adds every run's source to its sources
(:attr:`~EditorPane.runStarted`) and draws the charts asked for (:attr:`~EditorPane.chartRequested`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QCoreApplication, QSignalBlocker, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QSplitter,
    QTabWidget,
    QWidget,
)

from ...lang.templates import Template
from ..sources.run import RemoteRunSource, RunSource
from .code_editor import CodeEditor
from .find_replace import FindReplaceBar
from .lint_wiring import LintWiring
from .output import OutputView
from .pane_actions import PaneActions
from .pane_layout import PaneLayout, fit_width_after_removals
from .problems import ProblemsView
from .run_control import RunControl
from .run_options import RunOptions, native_lang
from .script_document import EXTENSIONS, LANG_NAMES, ScriptDocument, script_lang
from .script_files import ScriptFiles
from .templates_menu import TemplatesMenu
from .workspace_state import pane_state, restore_pane

__all__ = ["EditorPane", "ScriptDocument"]


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
        #: The language the user last chose in the run options (None: not yet, new scripts get the native one).
        self._chosen_lang: str | None = None

        self.run_options = RunOptions()
        self.tabs = QTabWidget()
        self.find_bar = FindReplaceBar()
        self.problems = ProblemsView()
        self.output = OutputView()
        self.position_label = QLabel()
        self.bottom = QTabWidget()
        self.splitter = QSplitter(Qt.Orientation.Vertical)

        self._files = ScriptFiles(self)
        self._templates = TemplatesMenu(self, templates_root)
        self.templates_menu = self._templates.menu
        self.recent_menu = self._files.recent_menu
        self._actions = acts = PaneActions(self, self.recent_menu)
        # The actions stay the pane's attributes: the main window and the tests reach them here.
        self.new_d_action = acts.new_d_action
        self.new_bt_action = acts.new_bt_action
        self.new_action = acts.new_action
        self.open_action = acts.open_action
        self.save_action = acts.save_action
        self.save_as_action = acts.save_as_action
        self.close_action = acts.close_action
        self.undo_action = acts.undo_action
        self.redo_action = acts.redo_action
        self.cut_action = acts.cut_action
        self.copy_action = acts.copy_action
        self.paste_action = acts.paste_action
        self.select_all_action = acts.select_all_action
        self.find_action = acts.find_action
        self.replace_action = acts.replace_action
        self.find_next_action = acts.find_next_action
        self.find_prev_action = acts.find_prev_action
        self.run_action = acts.run_action
        self.stop_action = acts.stop_action
        self.clear_output_action = acts.clear_output_action
        self.file_menu = acts.file_menu
        self.edit_menu = acts.edit_menu
        self.run_menu = acts.run_menu

        self._pane_layout = PaneLayout(self)
        self.toolbar = self._pane_layout.toolbar
        self._lint = LintWiring(self)
        self._runs = RunControl(self, broker_url, client_factory)

        self.tabs.currentChanged.connect(self._on_current_changed)
        self.tabs.tabCloseRequested.connect(lambda i: self.close_document(self._doc_at(i)))
        self.find_bar.message.connect(self.status)
        self.run_options.changed.connect(self._on_run_options_changed)
        self.run_options.langChanged.connect(self._on_lang_chosen)
        if remote_hosts:
            self.set_remote_hosts(remote_hosts)
        self.update_actions()
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

    @chosen_lang.setter
    def chosen_lang(self, lang: str | None) -> None:
        self._chosen_lang = lang

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
        lang = script_lang(lang or self.default_lang)
        untitled = name or f"untitled-{next(self._untitled)}{EXTENSIONS[lang]}"
        editor = CodeEditor(lang=lang)
        doc = ScriptDocument(editor, path, lang, untitled)
        current = self.current_document()
        if current is not None:  # a new script starts from the current one's run options
            doc.run_config = replace(current.run_config, chart="auto")
        else:
            doc.run_config = self.run_options.config()
        editor.setPlainText(text)
        fit_width_after_removals(editor)
        editor.document().setModified(modified)
        self._lint.watch(doc)
        editor.document().modificationChanged.connect(partial(self._on_modification_changed, doc))
        editor.cursorPositionChanged.connect(partial(self._on_cursor_moved, doc))
        self._actions.follow(doc)
        self._docs.append(doc)
        index = self.tabs.addTab(editor, "")
        self.update_tab(doc)
        self._pane_layout.show_tabs(True)
        self.tabs.setCurrentIndex(index)
        editor.setFocus()
        self._lint.lint_now(doc)
        return doc

    def open_file(self, path: str | os.PathLike[str] | None = None) -> ScriptDocument | None:
        """Open a script (a file dialog when ``path`` is None); an open one is brought to the front."""
        return self._files.open_file(path)

    def save(self, doc: ScriptDocument | None = None) -> bool:
        """Save ``doc`` (the current one) to its file, or ask for one; False if it was not saved."""
        doc = doc or self.current_document()
        return doc is not None and self._files.save(doc)

    def save_as(self, path: str | os.PathLike[str] | None = None, doc: ScriptDocument | None = None) -> bool:
        """Save ``doc`` (the current one) under ``path`` (a file dialog when None); the extension sets the language."""
        doc = doc or self.current_document()
        return doc is not None and self._files.save_as(doc, path)

    def close_document(self, doc: ScriptDocument | None = None) -> bool:
        """Close ``doc`` (the current one), asking to save unsaved changes; False if the user cancelled."""
        doc = doc or self.current_document()
        if doc is None or not self._files.confirm_discard(doc):
            return False
        self.remove_document(doc)
        return True

    def maybe_save_all(self) -> bool:
        """Ask about every modified script (Save / Discard / Cancel); False if the user cancelled.

        For the main window's ``closeEvent``; it does not close anything (call :meth:`stop_all` too).
        """
        return all(self._files.confirm_discard(doc) for doc in list(self._docs))

    def insert_template(self, template: Template, lang: str) -> ScriptDocument:
        """A new tab with ``template``'s script in ``lang``, its interval and its chart as "auto"."""
        return self._templates.insert(template, lang)

    def set_recent_files(self, paths: list[str]) -> None:
        """The recent files the main window remembered (no signal)."""
        self._files.set_recent(paths)

    def set_remote_hosts(
        self,
        hosts: list[str],
        broker_url: str | None = None,
        client_factory: Callable[[str], object] | None = None,
        exchange: str | None = None,
        tls_ca: str | None = None,
    ) -> None:
        """Offer ``hosts`` (agents started with ``--control``) as run targets.

        ``client_factory(host)`` returns a ``ControlClient`` for that host (the
        caller owns and closes it); without one each remote run makes its own
        ``ControlClient(broker_url, host, load_secret())`` and closes it at the end.
        ``exchange`` is the data exchange the agents publish to ("suricate" by default); ``tls_ca`` the
        private CA an amqps:// broker is verified against, by the clients and the runs' consumers.
        """
        self._runs.set_remote(broker_url, client_factory, exchange, tls_ca)
        self.run_options.set_remote_hosts(hosts)

    # =================================================================================================
    # Public API: runs
    # =================================================================================================
    def run(self, doc: ScriptDocument | None = None) -> RunSource | RemoteRunSource | None:
        """Run ``doc`` (the current one) with its run options; its source, or None."""
        doc = doc or self.current_document()
        return self._runs.run(doc) if doc is not None else None

    def stop(self, doc: ScriptDocument | None = None) -> None:
        """Stop ``doc``'s run (the current one's); returns at once, :attr:`runStopped` says when it ended."""
        doc = doc or self.current_document()
        if doc is not None:
            self._runs.stop(doc)

    def stop_all(self, timeout: float = 5.0) -> None:
        """Stop every run and wait up to ``timeout`` seconds in all for them to end."""
        self._runs.stop_all(self._docs, timeout)

    # =================================================================================================
    # Public API: actions, menus and workspace for the main window
    # =================================================================================================
    def actions(self) -> list[QAction | QMenu]:  # type: ignore[override]  # the Templates menu too
        """The pane's QActions in menu order, then the Templates QMenu.

        Each action's ``objectName`` names it for the main window: ``new-d``,
        ``new-bpftrace``, ``open``, ``save``, ``save-as``, ``close``, ``undo``,
        ``redo``, ``cut``, ``copy``, ``paste``, ``select-all``, ``find``,
        ``replace``, ``find-next``, ``find-previous``, ``run``, ``stop``,
        ``clear-output``. The File menu's "Open Recent" submenu is in :meth:`menus`.
        """
        return [*self._actions.menu_actions(), self.templates_menu]

    def menus(self) -> list[QMenu]:
        """File (with its Open Recent), Edit, Templates and Run menus as the pane builds them."""
        return [self.file_menu, self.edit_menu, self.templates_menu, self.run_menu]

    def template_actions(self) -> list[QAction]:
        """Every "open this template in this language" action of the Templates menu."""
        return self._templates.actions()

    def state(self) -> dict:
        """Open documents (a path, or the text when unsaved), languages, cursors and run options."""
        return pane_state(self)

    def restore(self, state: dict | None) -> None:
        """Reopen what :meth:`state` kept (after the documents already open); missing files are skipped."""
        restore_pane(self, state)

    # =================================================================================================
    # Qt overrides and shutdown
    # =================================================================================================
    def sizeHint(self) -> QSize:
        """Modest, so that a docked editor leaves room for the plots (the run options wrap when narrow)."""
        return QSize(640, 600)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.shutdown(timeout=15.0)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the runs and the lint worker (the pane is going away)."""
        self._lint.shutdown()
        self.stop_all(timeout)

    # =================================================================================================
    # For the pane's parts: tabs, language, run options, enabled actions
    # =================================================================================================
    def remove_document(self, doc: ScriptDocument) -> None:
        """Close ``doc``'s tab without asking (its run is stopped)."""
        if doc.source is not None and doc.running:
            doc.source.stop()
            self.output.append_status(f"■ {doc.name}: stopped (its tab was closed)")
        doc.closed = True
        self._lint.forget(doc)
        index = self.tabs.indexOf(doc.editor)
        self._docs.remove(doc)
        if self.find_bar.editor() is doc.editor:
            self.find_bar.set_editor(None)
        if index >= 0:
            self.tabs.removeTab(index)
        doc.editor.deleteLater()
        if not self._docs:
            self._pane_layout.show_tabs(False)
            self.problems.set_problems([])
        self.update_actions()

    def set_lang(self, doc: ScriptDocument, lang: str) -> None:
        """Make ``doc`` a ``lang`` script (highlighting, linting, the run options if it is current)."""
        lang = script_lang(lang)
        if lang == doc.lang:
            return
        doc.lang = lang
        doc.editor.set_lang(lang)
        doc.editor.clear_diagnostics()
        if doc is self.current_document():
            self.run_options.set_lang(lang)
        self.update_tab(doc)
        self._lint.lint_now(doc)

    def update_tab(self, doc: ScriptDocument) -> None:
        """``doc``'s tab title (running, modified) and tooltip (file, language, run state)."""
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

    def show_run_config(self, doc: ScriptDocument) -> None:
        """Show ``doc``'s run options and language in the run bar (no change signals)."""
        with QSignalBlocker(self.run_options):
            self.run_options.set_config(doc.run_config)
            self.run_options.set_lang(doc.lang)

    def update_actions(self) -> None:
        self._actions.update(self.current_document())

    def refresh_problems(self) -> None:
        self._lint.refresh_problems()

    # =================================================================================================
    # Private
    # =================================================================================================
    def _doc_for_widget(self, widget: QWidget | None) -> ScriptDocument | None:
        return next((d for d in self._docs if d.editor is widget), None)

    def _doc_at(self, index: int) -> ScriptDocument | None:
        return self._doc_for_widget(self.tabs.widget(index))

    def _on_current_changed(self, _index: int) -> None:
        doc = self.current_document()
        self.find_bar.set_editor(doc.editor if doc else None)
        if doc is not None:
            self.show_run_config(doc)
            self._on_cursor_moved(doc)
        else:
            self.run_options.set_lang(self.default_lang)
        self.refresh_problems()
        self.update_actions()

    def _on_run_options_changed(self) -> None:
        doc = self.current_document()
        if doc is not None:
            doc.run_config = self.run_options.config()

    def _on_lang_chosen(self, lang: str) -> None:
        self._chosen_lang = lang
        doc = self.current_document()
        if doc is not None:
            self.set_lang(doc, lang)

    def _on_modification_changed(self, doc: ScriptDocument, _modified: bool) -> None:
        self.update_tab(doc)
        self.update_actions()

    def _on_cursor_moved(self, doc: ScriptDocument) -> None:
        if doc is not self.current_document():
            return
        cursor = doc.editor.textCursor()
        self.position_label.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")
