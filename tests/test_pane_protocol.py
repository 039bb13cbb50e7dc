"""Every feature joins the main window as a pane (gui/pane.py): what a user sees of that.

Its actions are in the menus with their shortcuts, what it remembers comes back when the
window is closed and opened again, and closing the window leaves no thread of it running.
"""

import gc
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar

from suricate_desktop.gui.depgraph import open_window
from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources.recording import RecordingSource

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "recordings" / "bpftrace-demo"

#: What the user reads in the menus: (menu, entry, shortcut).
SHORTCUTS = [
    ("File", "Open recording…", "Ctrl+Shift+O"),
    ("File", "Import file… (dtrace, bpftrace JSON, CSV)", "Ctrl+I"),
    ("File", "Open workspace…", "Ctrl+Alt+O"),
    ("File", "Save workspace", "Ctrl+Alt+S"),
    ("Edit", "Find…", "Ctrl+F"),
    ("View", "Sources", "F6"),
    ("View", "Streams", "F7"),
    ("View", "Script editor", "F8"),
    ("View", "Timeline", "F9"),
    ("View", "Rules", "F10"),
    ("View", "Alert history", "F12"),
    ("View", "Console", "Ctrl+Shift+I"),
    ("View", "New dashboard", "Ctrl+T"),
    ("Sources", "Add broker…", "Ctrl+B"),
    ("Rules", "New rule…", "Ctrl+Alt+R"),
    ("Run", "Run", "F5"),
    ("Analytics", "Dependency graph…", "Ctrl+Shift+G"),
    ("Analytics", "Learn baseline…", "Ctrl+Shift+L"),
    ("Analytics", "Models", "Ctrl+Shift+M"),
    ("Help", "Keyboard shortcuts", "F1"),
]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(make_window, settings):
    return lambda **kw: make_window(settings=settings, **kw)


def menus(w: MainWindow) -> dict[str, QMenu]:
    return {a.text().replace("&", ""): a.menu() for a in w.menuBar().actions()}


def reachable(menu: QMenu) -> list[QAction]:
    """Every action of a menu and of its submenus (a submenu counts as its menu action)."""
    out = []
    for action in menu.actions():
        out.append(action)
        if action.menu() is not None:
            out += reachable(action.menu())
    return out


def test_every_pane_s_entries_are_in_the_menus_and_toolbar_with_their_shortcuts(qtbot, window):
    w = window(restore_sources=False)
    bar = menus(w)
    in_menus = {a for menu in bar.values() for a in reachable(menu)}
    bar_menus = set(bar.values())
    toolbar = w.findChild(QToolBar, "main-toolbar")
    for pane in w.panes:
        assert pane.entries(), f"{pane.name} puts nothing in the menus"
        for entry in pane.entries():
            where = entry.place.split("/")[0]
            if where == "toolbar":
                assert entry.item in toolbar.actions(), (pane.name, entry.place)
            elif isinstance(entry.item, QMenu):
                assert entry.item in bar_menus or entry.item.menuAction() in in_menus, (
                    pane.name,
                    entry.place,
                )
                assert entry.item in bar_menus or entry.item in {a.menu() for a in in_menus}
            else:
                assert entry.item in bar[where].actions(), (pane.name, entry.place, entry.item.text())
    for title, text, shortcut in SHORTCUTS:
        found = [a for a in reachable(bar[title]) if a.text().replace("&", "") == text]
        assert found, f"{title} > {text} is missing"
        assert found[0].shortcut().toString() == shortcut, (title, text)


def test_the_menu_bar_reads_in_its_usual_order(qtbot, window):
    w = window(restore_sources=False)
    assert list(menus(w)) == [
        "File",
        "Edit",
        "View",
        "Sources",
        "Rules",
        "Run",
        "Templates",
        "Analytics",
        "Help",
    ]


def test_panes_state_survives_closing_and_reopening_the_window(qtbot, window):
    w = window(restore_sources=False)
    source = w.open_recording(str(SAMPLE))
    assert isinstance(source, RecordingSource)
    qtbot.waitUntil(lambda: bool(list(source.store.streams())), timeout=10_000)
    stream = next(iter(source.store.streams())).stream
    w.plot_stream(source, stream)
    w.dashboard.new_page("second")
    w.editor_dock.hide()
    w.rules_dock.show()
    w.close()
    assert not w.isVisible()

    again = window()
    assert [s.kind for s in again.registry] == ["recording"]
    assert [again.dashboard.tabText(i) for i in range(again.dashboard.count())][-1] == "second"
    assert [c.stream for p in again.dashboard.pages() for c in p.cards] == [stream]
    assert again.editor_dock.isHidden() and not again.rules_dock.isHidden()
    assert str(SAMPLE) in again.settings.value("recent/recordings")

    fresh = window(restore_sources=False)  # --fresh: the layout, not the session's sources and plots
    assert list(fresh.registry) == [] and fresh.editor_dock.isHidden()


def test_closing_the_window_tears_every_pane_down(qtbot, window, monkeypatch):
    before = set(threading.enumerate())
    w = window(restore_sources=False)
    torn = []

    def recorded(pane):
        teardown = pane.teardown

        def tear():
            torn.append(pane.name)
            teardown()

        return tear

    for pane in w.panes:
        monkeypatch.setattr(pane, "teardown", recorded(pane))
    source = w.open_recording(str(SAMPLE))
    qtbot.waitUntil(lambda: bool(list(source.store.streams())), timeout=10_000)
    graph = open_window(w)  # the dependency graph, computing in its thread
    graph.compute()
    w.models.manager.run(lambda: None).result()  # the scoring worker's thread exists
    assert set(threading.enumerate()) - before
    w.close()
    assert torn == [p.name for p in reversed(w.panes)]
    qtbot.waitUntil(
        lambda: not [t for t in set(threading.enumerate()) - before if t.is_alive()], timeout=15_000
    )
    assert gc.isenabled()  # the GUI-thread collection is handed back
