"""The main window opens within the available screen geometry, on a laptop screen as on a big one.

The screen is the helper's answer (``screen_fit.available_geometry`` patched): the offscreen
platform has one 800x800 screen whatever the test wants.
"""

import json
import random

import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtWidgets import QWidget

from suricate_desktop.gui import screen_fit

LAPTOP = QRect(0, 0, 1366, 768)
LAPTOP_WITH_PANEL = QRect(0, 32, 1366, 736)  # a desktop panel along the top
FULL_HD = QRect(0, 0, 1920, 1080)


def on_screen(monkeypatch, rect: QRect) -> None:
    monkeypatch.setattr(screen_fit, "available_geometry", lambda _window: QRect(rect))


@pytest.mark.parametrize(
    "screen", [LAPTOP, LAPTOP_WITH_PANEL, FULL_HD], ids=["1366x768", "panel", "1920x1080"]
)
def test_first_window_fits_the_available_geometry(make_window, monkeypatch, screen):
    on_screen(monkeypatch, screen)
    w = make_window()
    assert screen.contains(w.frameGeometry()), (w.frameGeometry(), screen)
    # Nine tenths of a big screen, at least as large as the layout wants, else all the room a laptop's has.
    frame = w.frameGeometry()
    want_w, want_h = max(1400, int(screen.width() * 0.9)), max(860, int(screen.height() * 0.9))
    assert w.width() == min(want_w, screen.width() - (frame.width() - w.width()))
    assert w.height() == min(want_h, screen.height() - (frame.height() - w.height()))


def test_full_hd_is_mostly_used_not_left_at_a_laptops_size(make_window, monkeypatch):
    on_screen(monkeypatch, FULL_HD)
    assert make_window().size() == QSize(1728, 972)


def test_geometry_saved_on_a_big_screen_is_clamped_on_a_laptop(make_window, monkeypatch, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    on_screen(monkeypatch, QRect(0, 0, 2560, 1440))
    big = make_window(settings=settings, restore_sources=False)
    big.resize(1900, 1050)
    big.move(300, 200)
    big.save_settings()
    big.shutdown()

    on_screen(monkeypatch, LAPTOP)
    w = make_window(settings=settings, restore_sources=False)
    assert LAPTOP.contains(w.frameGeometry()), w.frameGeometry()


def test_clamping_puts_any_saved_geometry_inside_any_screen(qtbot, monkeypatch):
    """Random screens (second monitors at offsets, panels) and random saved geometries, many off-screen."""
    rng = random.Random(15)
    widget = QWidget()
    qtbot.addWidget(widget)
    for _ in range(300):
        screen = QRect(
            rng.choice([0, 1920, -1366]),
            rng.choice([0, 24, -768]),
            rng.randint(640, 3840),
            rng.randint(480, 2160),
        )
        saved = QRect(
            rng.randint(-3000, 6000), rng.randint(-2000, 4000), rng.randint(200, 4000), rng.randint(150, 2500)
        )
        widget.setGeometry(saved)
        on_screen(monkeypatch, screen)
        screen_fit.clamp_into_screen(widget)
        assert screen.contains(widget.frameGeometry()), (saved, screen, widget.frameGeometry())
        if screen.contains(saved):
            assert widget.geometry() == saved, "a geometry that fits is left alone"
        else:
            # Shrunk only as far as the screen needs, never below it.
            assert widget.width() == min(saved.width(), screen.width())
            assert widget.height() == min(saved.height(), screen.height())


def test_the_layout_is_remembered_per_screen_size(make_window, monkeypatch, tmp_path):
    """A laptop on its own screen and on a desk's monitor: each screen size keeps its own layout."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)

    def session(screen, change=None):
        on_screen(monkeypatch, screen)
        w = make_window(settings=settings, restore_sources=False)
        seen = (w.size(), w.editor_dock.isHidden(), w.streams_dock.isHidden())
        if change:
            change(w)
            w.save_settings()
        w.shutdown()
        return seen

    def on_laptop(w):
        w.editor_dock.hide()
        w.resize(700, 500)

    def on_monitor(w):
        w.streams_dock.hide()
        w.resize(760, 560)

    session(LAPTOP, on_laptop)
    # the monitor has no layout of its own yet: the default one (the editor shown, the first-run size)
    assert session(FULL_HD, on_monitor) == (QSize(1728, 972), False, False)
    assert session(LAPTOP) == (QSize(700, 500), True, False)
    assert session(FULL_HD) == (QSize(760, 560), False, True)
    assert settings.value("window/geometry") is None, "the one layout for every screen is gone"


def test_a_workspace_keeps_a_layout_per_screen_size(make_window, monkeypatch, tmp_path):
    path = tmp_path / "session.suricate.json"
    on_screen(monkeypatch, LAPTOP)
    w = make_window(restore_sources=False)
    w.editor_dock.hide()
    w.workspace_path = path
    w.save_workspace()
    w.shutdown()
    # on the monitor: no layout of its size in the file yet, so the one it was saved with; then its own
    on_screen(monkeypatch, FULL_HD)
    w = make_window(restore_sources=False)
    assert w.open_workspace(path) and w.editor_dock.isHidden()
    w.editor_dock.show()
    w.streams_dock.hide()
    w.save_workspace()
    w.shutdown()
    assert sorted(json.loads(path.read_text())["window"]["layouts"]) == ["1366x768", "1920x1080"]
    for screen, editor_hidden, streams_hidden in ((LAPTOP, True, False), (FULL_HD, False, True)):
        on_screen(monkeypatch, screen)
        w = make_window(restore_sources=False)
        assert w.open_workspace(path)
        assert (w.editor_dock.isHidden(), w.streams_dock.isHidden()) == (editor_hidden, streams_hidden)
        w.shutdown()
