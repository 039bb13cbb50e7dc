"""How a feature joins the main window: the ``Pane`` protocol (one base class, six steps).

Why: features used to attach to ``MainWindow`` in four different ways (docks made by the
window, a Rules menu handed over, a ``depgraph.install(window)`` that added its own menu entry,
``ModelsUI(window)`` filling the Analytics menu, and each one's settings, workspace and
shutdown wired by hand in the window). A new feature meant edits all over the window. Now each
feature is a ``Pane`` subclass (in ``gui/panes/``) and ``main_window.py`` lists them; the
window loops over the list for every step below. The idea is Spyder's dockable plugins,
cut down to what this window needs:

1. ``create(window)``: make the widgets and docks, connect to the window; publish on the
   window what other features or tests use (``window.editor``...), under a stable name.
2. ``entries()``: the ``Entry`` list of QActions and menus the pane puts in the menu bar and
   the toolbar, each at a named place (``"File/recordings"``, ``"toolbar/run"``); shortcuts
   are set on the actions themselves. The window's ``MENU_BAR`` orders the places.
3. ``refresh()``: once a second, from the window's slow timer.
4. ``save_state(settings)`` / ``restore_state(settings)``: what is remembered across runs, in
   QSettings. ``SESSION`` panes (sources, dashboards, models) are not restored on a fresh start.
5. ``workspace_state(path)`` / ``restore_workspace(doc, path)``: the pane's entry (under its
   ``name``) in a workspace file; ``None`` keeps it out of the file.
6. ``can_close()`` then ``teardown()``: a pane may refuse the close (unsaved scripts); then
   every pane, last made first, stops its timers, threads and connections.

Every step but ``create`` has a default that does nothing, so a pane says only what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass(frozen=True)
class Entry:
    """A QAction (a separator action included) or a QMenu, at a place: ``"Menu/section"``.

    ``Menu`` is a title of the window's ``MENU_BAR`` without its ``&`` (or ``toolbar``); the
    section says where in that menu. A QMenu whose title is the menu's own title is the whole
    menu (the Rules and Templates menus); any other QMenu is a submenu.
    """

    place: str
    item: QAction | QMenu


class Pane:
    """One feature of the main window: a dock, a central widget, or only menu entries and dialogs."""

    #: The pane's name, and its key in a workspace file.
    name: ClassVar[str] = ""
    #: Whether its remembered state is the session's (skipped when the window starts fresh).
    SESSION: ClassVar[bool] = False

    def create(self, window: MainWindow) -> None:
        raise NotImplementedError

    def entries(self) -> list[Entry]:
        return []

    def refresh(self) -> None:
        """Called once a second by the window's slow timer."""

    def save_state(self, settings: QSettings) -> None:
        """Write what is remembered across runs."""

    def restore_state(self, settings: QSettings) -> None:
        """Read it back, when the window opens."""

    def workspace_state(self, path: Path | None) -> object:
        """The pane's entry in a workspace file being saved at ``path`` (None: not saved yet)."""
        return None

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        """Take the pane's entry (None when the file has none); returns the problems met."""
        return []

    def can_close(self) -> bool:
        """False keeps the window open (the user cancelled)."""
        return True

    def teardown(self) -> None:
        """Stop every timer, thread and connection the pane owns; the window is closing."""

    # -- helpers for subclasses --------------------------------------------------------------------------------------
    @staticmethod
    def add_dock(
        window: MainWindow,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        shortcut: str,
    ) -> QDockWidget:
        """A dock named after its title (the saved layout knows it by that name); its toggle has ``shortcut``."""
        dock = QDockWidget(title, window)
        dock.setObjectName(title.lower().replace(" ", "-"))
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        dock.toggleViewAction().setShortcut(QKeySequence(shortcut))
        return dock

    @staticmethod
    def action(
        window: MainWindow,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        """A window action: its shortcut works even with the menu bar hidden."""
        action = QAction(text, window)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        window.addAction(action)
        return action
