"""The editor pane's QActions and its File, Edit and Run menus, and when each action is enabled.

The pane owns no menu bar: the main window picks these actions by ``objectName`` (see
``EditorPane.actions``) for its own menus and toolbar. Each action is added to the pane too, so its
shortcut works while the focus is in the pane.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle

from .run_options import native_lang
from .script_document import ScriptDocument

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["PaneActions"]

Shortcut = str | QKeySequence | QKeySequence.StandardKey


class PaneActions:
    """Every action of the pane, grouped into the File, Edit and Run menus."""

    def __init__(self, pane: EditorPane, recent_menu: QMenu) -> None:
        self._pane = pane
        SP = QStyle.StandardPixmap
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        action = self._action
        self.new_d_action = action(
            "New &D script",
            lambda: pane.new_document("d"),
            ["Ctrl+Shift+D"],
            "A new, empty D (DTrace) script",
            "new-d",
            SP.SP_FileIcon,
        )
        self.new_bt_action = action(
            "New &bpftrace script",
            lambda: pane.new_document("bpftrace"),
            ["Ctrl+Shift+B"],
            "A new, empty bpftrace script",
            "new-bpftrace",
            SP.SP_FileIcon,
        )
        #: New (Ctrl+N): a script in the language this machine's tracer runs.
        self.new_action = self.new_bt_action if native_lang() == "bpftrace" else self.new_d_action
        self.new_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.New), *self.new_action.shortcuts()]
        )
        self.open_action = action(
            "&Open…",
            pane.open_file,
            [QKeySequence.StandardKey.Open],
            "Open a .d or .bt script",
            "open",
            SP.SP_DialogOpenButton,
        )
        self.save_action = action(
            "&Save",
            pane.save,
            [QKeySequence.StandardKey.Save],
            "Save the script",
            "save",
            SP.SP_DialogSaveButton,
        )
        self.save_as_action = action(
            "Save &As…",
            lambda: pane.save_as(),
            ["Ctrl+Shift+S"],
            "Save the script under another name",
            "save-as",
        )
        self.close_action = action(
            "&Close",
            pane.close_document,
            [QKeySequence.StandardKey.Close],
            "Close the script",
            "close",
            context=here,
        )

        def on_editor(method: str) -> Callable[[], object]:
            return lambda: getattr(pane.current_editor(), method)() if pane.current_editor() else None

        self.undo_action = action(
            "&Undo", on_editor("undo"), [QKeySequence.StandardKey.Undo], name="undo", context=here
        )
        self.redo_action = action(
            "&Redo", on_editor("redo"), [QKeySequence.StandardKey.Redo], name="redo", context=here
        )
        self.cut_action = action(
            "Cu&t", on_editor("cut"), [QKeySequence.StandardKey.Cut], name="cut", context=here
        )
        self.copy_action = action(
            "&Copy", on_editor("copy"), [QKeySequence.StandardKey.Copy], name="copy", context=here
        )
        self.paste_action = action(
            "&Paste", on_editor("paste"), [QKeySequence.StandardKey.Paste], name="paste", context=here
        )
        self.select_all_action = action(
            "Select &All",
            on_editor("selectAll"),
            [QKeySequence.StandardKey.SelectAll],
            name="select-all",
            context=here,
        )
        find_bar = pane.find_bar
        self.find_action = action(
            "&Find…", find_bar.show_find, ["Ctrl+F"], "Find in the script", "find", context=here
        )
        self.replace_action = action(
            "R&eplace…",
            find_bar.show_replace,
            ["Ctrl+H"],
            "Find and replace in the script",
            "replace",
            context=here,
        )
        self.find_next_action = action(
            "Find &Next", find_bar.find_next, ["F3"], name="find-next", context=here
        )
        self.find_prev_action = action(
            "Find Pre&vious", find_bar.find_previous, ["Shift+F3"], name="find-previous", context=here
        )
        self.run_action = action(
            "&Run",
            pane.run,
            ["F5", "Ctrl+R"],
            "Run the script with the run options (F5)",
            "run",
            SP.SP_MediaPlay,
        )
        self.stop_action = action(
            "&Stop", pane.stop, ["Shift+F5"], "Stop the script's run (Shift+F5)", "stop", SP.SP_MediaStop
        )
        self.clear_output_action = action(
            "Clear &Output", pane.output.clear, tip="Clear the output pane", name="clear-output"
        )

        self.file_menu = QMenu("&File", pane)
        self._fill(self.file_menu, [self.new_d_action, self.new_bt_action, self.open_action])
        self.file_menu.addMenu(recent_menu)
        self.file_menu.addSeparator()
        self._fill(self.file_menu, [self.save_action, self.save_as_action, None, self.close_action])
        self.edit_menu = QMenu("&Edit", pane)
        self._fill(
            self.edit_menu,
            [
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
            ],
        )
        self.run_menu = QMenu("&Run", pane)
        self._fill(self.run_menu, [self.run_action, self.stop_action, None, self.clear_output_action])

    def menu_actions(self) -> list[QAction]:
        """The actions of the File, Edit and Run menus, in menu order (no separators, no submenus)."""
        out: list[QAction] = []
        for menu in (self.file_menu, self.edit_menu, self.run_menu):
            out.extend(a for a in menu.actions() if not a.isSeparator() and a.menu() is None)
        return out

    def follow(self, doc: ScriptDocument) -> None:
        """Keep Undo, Redo, Cut and Copy in step with ``doc``'s editor while it is the current one."""
        editor = doc.editor
        editor.undoAvailable.connect(partial(self._for_current, doc, self.undo_action.setEnabled))
        editor.redoAvailable.connect(partial(self._for_current, doc, self.redo_action.setEnabled))
        editor.copyAvailable.connect(partial(self._for_current, doc, self.cut_action.setEnabled))
        editor.copyAvailable.connect(partial(self._for_current, doc, self.copy_action.setEnabled))

    def update(self, doc: ScriptDocument | None) -> None:
        """Enable what applies to ``doc``, the current document (None: none open)."""
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
        running = doc is not None and doc.running
        self.run_action.setEnabled(has and not running)
        self.stop_action.setEnabled(has and running)
        editor = doc.editor if doc is not None else None
        self.undo_action.setEnabled(bool(editor and editor.document().isUndoAvailable()))
        self.redo_action.setEnabled(bool(editor and editor.document().isRedoAvailable()))
        selected = bool(editor and editor.textCursor().hasSelection())
        self.cut_action.setEnabled(selected)
        self.copy_action.setEnabled(selected)

    # -- private ------------------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: Sequence[Shortcut] = (),
        tip: str = "",
        name: str = "",
        icon: QStyle.StandardPixmap | None = None,
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        pane = self._pane
        action = QAction(text, pane)
        if icon is not None:
            action.setIcon(pane.style().standardIcon(icon))
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(context)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        pane.addAction(action)
        return action

    @staticmethod
    def _fill(menu: QMenu, actions: list[QAction | None]) -> None:
        for a in actions:
            if a is None:
                menu.addSeparator()
            else:
                menu.addAction(a)

    def _for_current(self, doc: ScriptDocument, setter: Callable[[bool], None], value: bool) -> None:
        if doc is self._pane.current_document():
            setter(value)
