"""The workbench window, offscreen, with pytest-qt: what each kind of user does first."""

import json
import socket
import uuid
from pathlib import Path

import pika
import pytest
from PySide6.QtCore import QObject, QSettings, Signal

from suricate_desktop.gui.sources.broker import BrokerSource
from suricate_desktop.gui.sources.embedded import EmbeddedSource
from suricate_desktop.gui.sources.recording import RecordingSource

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "recordings" / "bpftrace-demo"


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(make_window, settings):
    return lambda **kw: make_window(settings=settings, **kw)


def plotted(w):
    return [(card.source, card.stream, card.panel) for page in w.dashboard.pages() for card in page.cards]


def test_thousands_of_signal_emits_do_not_crash_the_interpreter(qtbot):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to True per emit and aborts after ~1000."""

    class Emitter(QObject):
        fired = Signal(bool)

    emitter = Emitter()
    seen = []
    emitter.fired.connect(seen.append)
    for _ in range(5000):
        emitter.fired.emit(True)
    assert len(seen) == 5000


def test_first_run_opens_on_the_embedded_sampler_with_a_live_plot(qtbot, window):
    w = window()
    sources = list(w.registry)
    assert len(sources) == 1 and isinstance(sources[0], EmbeddedSource)
    qtbot.waitUntil(lambda: bool(plotted(w)), timeout=15_000)
    source, stream, _panel = plotted(w)[0]
    assert stream[1:] == ("sampler", "cpu_time")
    qtbot.waitUntil(lambda: source.store.info(stream).rows >= 2, timeout=15_000)
    assert "running" in w.sources_label.text()
    assert "snapshots/s" in w.rate_label.text()


def test_layout_sources_and_plots_survive_a_restart(qtbot, window, settings):
    w = window()
    qtbot.waitUntil(lambda: bool(plotted(w)), timeout=15_000)
    w.editor_dock.hide()
    w.resize(780, 580)
    w.close()
    again = window()
    assert again.editor_dock.isHidden()
    assert (again.width(), again.height()) == (780, 580)
    assert [s.kind for s in again.registry] == ["embedded"]
    qtbot.waitUntil(lambda: bool(plotted(again)), timeout=5_000)
    assert plotted(again)[0][1][1:] == ("sampler", "cpu_time")
    assert len(plotted(again)) == 1  # the remembered plot, not a second first-run plot


def test_a_workspace_saves_and_restores_the_session(qtbot, window, tmp_path):
    w = window()
    qtbot.waitUntil(lambda: bool(plotted(w)), timeout=15_000)
    w.editor.new_document("d", "syscall:::entry { @num[execname] = count(); }\n")
    recording = w.open_recording(str(SAMPLE))
    hists = lambda: [i.stream for i in recording.store.streams() if i.kind == "hist"]
    qtbot.waitUntil(lambda: bool(hists()), timeout=15_000)
    stream = hists()[0]
    w.plot_stream(recording, stream, "heatmap")
    w.workspace_path = tmp_path / "session.suricate.json"
    assert w.save_workspace()
    w.close()

    other = window(restore_sources=False)
    assert other.open_workspace(tmp_path / "session.suricate.json")
    assert sorted(s.kind for s in other.registry) == ["embedded", "recording"]
    streams = [p[1] for p in plotted(other)]
    assert stream in streams and len(streams) == 2
    texts = [d.text() for d in other.editor.documents()]
    assert any("@num[execname] = count()" in t for t in texts)


def test_a_broker_that_is_down_says_why_and_keeps_retrying(qtbot, window):
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    w = window(restore_sources=False)
    source = w.registry.add(BrokerSource(f"amqp://guest:secret@127.0.0.1:{port}/%2F", ["#"]))
    qtbot.waitUntil(
        lambda: source.state == "reconnecting" and "refused" in source.detail.lower(), timeout=10_000
    )
    w.slow_refresh()
    assert "refused" in w.sources_label.text().lower()
    assert "secret" not in w.sources_label.text()  # the password never shows
    row = w.sources_pane._rows.index(source)
    assert w.sources_pane.table.item(row, 1).text() == "reconnecting"
    assert source.consumer.reconnects >= 1


def test_a_legacy_queue_is_plotted(qtbot, window, broker_url):
    queue = f"test-legacy-{uuid.uuid4().hex[:8]}"
    w = window(restore_sources=False)
    source = w.registry.add(BrokerSource(broker_url, [], [f"{queue}:smartos1"], exchange=f"test.{queue}"))
    qtbot.waitUntil(lambda: source.consumer.wait_ready(0.01), timeout=10_000)
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    channel = conn.channel()
    for key, value in [("python", 264), ("metacity", 6), ("python", 10)]:
        channel.basic_publish(exchange="", routing_key=queue, body=str({key: value}))
    conn.close()
    stream = ("smartos1", queue, "legacy")
    qtbot.waitUntil(lambda: source.store.snapshots == 3, timeout=10_000)
    w.slow_refresh()
    item = w.streams_pane._items[(id(source), *stream)]
    w.streams_pane.tree.itemActivated.emit(item, 0)
    ((_, plotted_stream, panel),) = plotted(w)
    assert plotted_stream == stream
    panel.refresh()
    assert source.store.series(stream, ("python",), "cumulative")[1][-1] == 274
    source.stop()
    pika.BlockingConnection(pika.URLParameters(broker_url)).channel().queue_delete(queue)


def test_a_recording_plays_in_the_window_with_its_timeline(qtbot, window):
    w = window(restore_sources=False)
    source = w.open_recording(str(SAMPLE))
    assert isinstance(source, RecordingSource)
    assert w.timeline_dock.isVisible() and w.timeline.source is source
    qtbot.waitUntil(lambda: source.store.snapshots > 0, timeout=10_000)
    before = source.position
    qtbot.waitUntil(lambda: source.position > before, timeout=10_000)
    w.registry.remove(source)
    assert not w.timeline_dock.isVisible()


def test_remote_agents_become_run_targets_and_are_remembered(qtbot, window, settings, monkeypatch):
    from suricate_desktop.gui import dialogs

    monkeypatch.setattr(
        dialogs.RemoteAgentsDialog,
        "exec",
        lambda self: {
            "broker": "amqp://guest:guest@127.0.0.1:5672/%2F",
            "hosts": ["smartos1"],
            "secret_file": "",
        },
    )
    w = window(restore_sources=False)
    w.edit_remote_agents()
    assert any("smartos1" in str(key) for key in w.editor.run_options.target_keys())
    w.close()
    again = window(restore_sources=False)
    assert any("smartos1" in str(key) for key in again.editor.run_options.target_keys())


def test_opening_a_script_adds_to_the_remembered_recent_scripts(qtbot, window, settings, tmp_path):
    """The recent scripts of an earlier session stay in the File menu after a script is opened."""
    older = []
    for name in ("a.bt", "b.d"):
        (tmp_path / name).write_text("BEGIN { exit(); }\n")
        older.append(str(tmp_path / name))
    settings.setValue("recent/scripts", older)
    (tmp_path / "c.bt").write_text("BEGIN { exit(); }\n")
    w = window(restore_sources=False)
    w.editor.open_file(str(tmp_path / "c.bt"))
    assert list(settings.value("recent/scripts")) == [str(tmp_path / "c.bt"), *older]


def test_other_tools_files_open_on_the_timeline(qtbot, window):
    data = Path(__file__).resolve().parent / "data" / "import"
    csv = next(p for p in sorted(data.glob("*.csv")))
    w = window(restore_sources=False)
    source = w.import_file(str(csv))
    assert isinstance(source, RecordingSource) and w.timeline.source is source
    qtbot.waitUntil(lambda: source.store.snapshots > 0, timeout=10_000)


def test_garbage_is_collected_in_the_gui_thread_only_while_a_window_lives(make_window, qtbot, tmp_path):
    """A worker thread's allocations must not set off the cyclic collector there: it would destroy Qt
    objects outside the GUI thread and can freeze the application (see gui/gc_guard.py)."""
    import gc
    import threading
    import weakref

    from PySide6.QtCore import QObject

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    # remote agents remembered: applying them at start-up must leave the guard in place
    settings.setValue(
        "remote", json.dumps({"broker": "amqp://127.0.0.1/", "hosts": ["smartos1"], "secret_file": ""})
    )
    w = make_window(settings=settings, restore_sources=False)
    assert not gc.isenabled()

    class Holder:
        pass

    destroyed_in = []
    victims = []

    def make_cycle():
        h = Holder()
        h.obj = QObject()
        h.obj.destroyed.connect(lambda *_: destroyed_in.append(threading.current_thread().name))
        h.me = h  # a cycle: only the cyclic collector frees it
        victims.append(weakref.ref(h))

    make_cycle()

    def worker():
        junk = [[i] for i in range(200_000)]  # allocations that would trigger a collection here
        del junk

    t = threading.Thread(target=worker, name="allocating-worker")
    t.start()
    t.join()
    assert victims[0]() is not None  # not collected by the worker
    thresholds = gc.get_threshold()  # an earlier test may have raised them (runtime.tune_for_ingest)
    gc.set_threshold(
        0, 0, 0
    )  # every check of the GUI thread's timer passes them: a full collection in 3 ticks
    try:
        qtbot.waitUntil(lambda: victims[0]() is None, timeout=5000)  # collected by the GUI thread's timer
    finally:
        gc.set_threshold(*thresholds)
    assert destroyed_in == ["MainThread"]
    w.shutdown()
    assert gc.isenabled()
