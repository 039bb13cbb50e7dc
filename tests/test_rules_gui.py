"""The rules panel in the workbench, offscreen with pytest-qt, fed by a real broker source through RabbitMQ:
what an on-call engineer sees and does when a rule fires."""

import json
import sys
import time
import uuid

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.plots.marks import MAX_ALERT_MARKS
from suricate_desktop.gui.sources.broker import BrokerSource
from suricate_desktop.rules import backtest, firings, loads
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots
from suricate_desktop.transport.publisher import Publisher

T0 = 1_764_280_800.0
pytestmark = [pytest.mark.timeout(120)]


def snap(host, i, bash, sshd=5):
    return Snapshot(
        host,
        "syscalls",
        "num",
        "count",
        T0 + i,
        1.0,
        True,
        [[["bash"], bash], [["sshd"], sshd]],
        i + 1,
        "run-" + host,
    )


def rules_text(host, out):
    return f'''# rules of the test desk
[defaults]
severity = "critical"

# bash hammering the kernel
[[rule]]
name = "bash-spike"
host = "{host}"
source = "syscalls"
key = "bash"
threshold = 100
clear = 50
for = 2
clear_for = 1

[[rule.action]]
type = "command"
args = [{json.dumps(sys.executable)}, "-c", "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + chr(10))",
        {json.dumps(str(out))}, "{{rule}} {{host}} {{key}} {{value}} {{state}}"]

# sshd, quieter
[[rule]]
name = "sshd-high"
severity = "warning"
host = "{host}"
key = "sshd"
threshold = 1000
'''


@pytest.fixture
def desk(qtbot, tmp_path, broker_url, exchange):
    """A window whose settings (and so its rules file) live in tmp_path, a broker source bound to a host of the
    test's own, and a publisher that sends that host's snapshots."""
    host = f"h{uuid.uuid4().hex[:8]}"
    out = tmp_path / "paged.txt"
    (tmp_path / "rules.toml").write_text(rules_text(host, out))
    publishers, windows = [], []

    class Desk:
        def __init__(self):
            self.host, self.out, self.sent = host, out, 0
            self.rules = tmp_path / "rules.toml"

        def open(self):
            settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
            w = MainWindow(settings=settings, restore_sources=False)
            qtbot.addWidget(w)
            w.show()
            windows.append(w)
            self.window, self.panel = w, w.rules_panel
            self.base = self.sent  # a new window's engine counts from 0
            self.source = w.registry.add(BrokerSource(broker_url, [f"{host}.#"], exchange=exchange))
            assert self.source.consumer.wait_ready(20)
            if not publishers:
                publishers.append(Publisher(broker_url, exchange).start())
            return w

        def send(self, values):
            publishers[0]([snap(host, self.sent + i, v) for i, v in enumerate(values)])
            self.sent += len(values)
            assert publishers[0].flush(10)
            qtbot.waitUntil(lambda: self.panel.feed.engine.snapshots >= self.sent - self.base, timeout=20_000)
            self.panel.feed.wait_idle()
            self.panel.take_events()
            self.panel.slow_refresh()

        def row(self, name):
            table = self.panel.table
            for r in range(table.rowCount()):
                if table.item(r, 1).text() == name:
                    return [table.item(r, c).text() for c in range(table.columnCount())]
            raise KeyError(name)

        def wait_state(self, name, state):
            def ok():
                self.panel.take_events()
                self.panel.slow_refresh()
                return self.row(name)[4] == state

            qtbot.waitUntil(ok, timeout=20_000)

    yield Desk()
    for p in publishers:
        p.close()
    for w in windows:
        w.close()


def test_a_firing_rule_shows_in_the_panel_the_history_the_tray_and_on_the_plot_then_resolves(qtbot, desk):
    w = desk.open()
    stream = (desk.host, "syscalls", "num")
    w.plot_stream(desk.source, stream)
    assert desk.row("bash-spike")[:5] == ["", "bash-spike", "critical", "> 100 for 2 s", "ok"]
    desk.send([10] * 5 + [400] * 2)  # t 5, 6: breaching, `for` not yet held
    desk.wait_state("bash-spike", "pending")
    assert not desk.panel.timeline.entries and not desk.out.exists()
    desk.send([400])  # t 7: held 2 s -> fires
    desk.wait_state("bash-spike", "firing")
    row = desk.row("bash-spike")
    assert row[5] == "400" and row[7] == "1 firing"
    assert row[6].endswith(time.strftime("%H:%M:%S", time.localtime(T0 + 7)))
    # the history: the firing with its value, then the command's result
    qtbot.waitUntil(
        lambda: (
            desk.panel.take_events(),
            any(e.get("status") == "ok" for x in desk.panel.timeline.entries.values() for e in x.events),
        )[1],
        timeout=20_000,
    )
    [entry] = desk.panel.timeline.entries.values()
    assert (entry.rule, entry.series, entry.value, entry.fired) == (
        "bash-spike",
        f"{desk.host}.syscalls.num[bash]",
        400.0,
        T0 + 7,
    )
    assert entry.action_summary() == "command ok"
    assert desk.out.read_text() == f"bash-spike {desk.host} bash 400 firing\n"
    top = desk.panel.timeline.tree.topLevelItem(0)
    assert [top.text(c) for c in (1, 3, 4)] == ["bash-spike", "firing", "400"]
    children = [(top.child(i).text(1), top.child(i).text(2)) for i in range(top.childCount())]
    assert children[0] == ("firing", "value 400") and ("command ok", "exit 0") in children
    # the desktop notification
    assert (
        "CRITICAL: bash-spike fired",
        f"{desk.host}.syscalls.num[bash] · value 400 · threshold > 100",
    ) in desk.panel.notifier.shown
    # the plot of that stream marks the firing
    [card] = w.dashboard.current_page().cards
    desk.panel.marks.apply()
    qtbot.waitUntil(lambda: card.panel.alert_marks != [], timeout=5_000)
    [(fired, resolved, text, colour)] = card.panel.alert_marks
    assert (fired, resolved, colour) == (T0 + 7, None, "#cf222e") and "bash-spike" in text
    card.panel._refresh(budgeted=False)
    line, _region = card.panel.time_marks.alert_items[0]
    assert line.isVisible() and line.value() == pytest.approx(T0 + 7 - card.panel.chart.t0)
    # below the threshold but above `clear`: still firing; cleared for 1 s: resolved
    desk.send([70, 10, 10])
    desk.wait_state("bash-spike", "resolved")
    assert entry.resolved == T0 + 10
    desk.panel.marks.apply()
    assert card.panel.alert_marks[0][:2] == (T0 + 7, T0 + 10)
    assert (
        "CRITICAL: bash-spike resolved",
        f"{desk.host}.syscalls.num[bash] · value 10 · threshold > 100",
    ) in desk.panel.notifier.shown


def test_acknowledge_with_a_comment_and_silence_then_both_survive_a_restart(qtbot, desk):
    desk.open()
    desk.send([10] * 3 + [400] * 3)
    desk.wait_state("bash-spike", "firing")
    [entry] = desk.panel.timeline.entries.values()
    desk.panel.timeline.select(entry.id)
    assert desk.panel.timeline.ack_button.isEnabled()
    desk.panel.timeline.acknowledge(entry, "alice is on it")
    desk.wait_state("bash-spike", "acknowledged")
    # the table's state and the history's event come by separate paths: wait for the event too
    qtbot.waitUntil(lambda: (desk.panel.take_events(), entry.comment)[1] == "alice is on it", timeout=20_000)
    assert entry.state == "acknowledged"
    w = desk.window
    w.close()
    # a restart: the acknowledgement and its comment are still there, in the engine and in the history
    desk.open()
    assert desk.row("bash-spike")[4] == "acknowledged"
    [again] = desk.panel.timeline.entries.values()
    assert (again.id, again.comment, again.state) == (entry.id, "alice is on it", "acknowledged")
    [alert] = desk.panel.feed.engine.alerts("bash-spike")
    assert alert.acked and alert.ack_comment == "alice is on it"
    # silence it until it resolves: shown silenced; the resolve lifts the silence
    desk.panel.silence(again, None)
    desk.wait_state("bash-spike", "silenced")
    desk.send([10, 10, 10])
    desk.wait_state("bash-spike", "resolved")
    # silenced for a period: a new firing within it is silenced, its action held
    desk.panel.silence(again, 3600.0)
    desk.panel.feed.wait_idle()
    desk.send([400] * 3)
    desk.wait_state("bash-spike", "silenced")
    held = [
        e
        for e in desk.panel.feed.engine.history.events()
        if e.get("event") == "action" and e.get("status") == "silenced"
    ]
    assert held and desk.out.read_text().count("firing") == 1


def test_the_edit_dialog_validates_at_the_line_and_saves_in_place_keeping_the_other_rules(qtbot, desk):
    desk.open()
    panel = desk.panel
    before = desk.rules.read_text()
    panel.select_rule("sshd-high")
    dialog = panel.edit_rule("sshd-high")
    assert dialog.editor.toPlainText().startswith('[[rule]]\nname = "sshd-high"')
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    dialog.editor.setPlainText(
        '[[rule]]\nname = "sshd-high"\nseverity = "warning"\nkey = "sshd"\nthreshold = "lots"\n'
    )
    dialog.validate()
    assert not ok.isEnabled()
    assert [dialog.problems.item(i).text() for i in range(dialog.problems.count())] == [
        "line 5: threshold: expected a number, got 'lots'"
    ]
    dialog.editor.setPlainText(
        '[[rule]]\nname = "sshd-high"\nseverity = "warning"\nkey = "sshd"\nthreshold = = 3\n'
    )
    dialog.validate()
    assert dialog.problems.item(0).text().startswith("line 5: TOML:")
    dialog.editor.setPlainText(
        '[[rule]]\nname = "sshd-high"\nseverity = "info"\nkey = "sshd"\nthreshold = 2000\n'
    )
    dialog.validate()
    assert ok.isEnabled() and dialog.verdict.text() == "✔ valid"
    ok.click()
    after = desk.rules.read_text()
    head = before[: before.index("# sshd, quieter")]
    assert (
        after == head + '# sshd, quieter\n[[rule]]\nname = "sshd-high"\nseverity = "info"\nkey = "sshd"\n'
        "threshold = 2000\n"
    )
    assert desk.row("sshd-high")[2:4] == ["info", "> 2000"]
    assert [r.name for r in panel.feed.engine.rules] == ["bash-spike", "sshd-high"]
    # disable from the table: one line of the file changes, the engine stops evaluating it
    table = panel.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "bash-spike")
    table.item(row, 0).setCheckState(Qt.Unchecked)
    qtbot.waitUntil(lambda: "enabled = false" in desk.rules.read_text())
    assert desk.rules.read_text() == after.replace(
        'name = "bash-spike"\n', 'name = "bash-spike"\nenabled = false\n'
    )
    qtbot.waitUntil(lambda: desk.row("bash-spike")[4] == "disabled")
    panel.feed.wait_idle()
    assert not next(r for r in panel.feed.engine.rules if r.name == "bash-spike").enabled
    # undo puts the file back as it was
    panel.undo()
    assert desk.rules.read_text() == after
    # a new rule that does not validate cannot be saved; one that does is appended
    panel.new_rule()
    dialog = panel.edit_dialog
    dialog.editor.setPlainText('[[rule]]\nname = "bash-spike"\nthreshold = 1\n')
    dialog.validate()
    assert dialog.problems.item(0).text() == "line 2: a second rule named 'bash-spike'"
    dialog.editor.setPlainText('[[rule]]\nname = "quiet-host"\ntype = "silence"\nthreshold = "30s"\n')
    dialog.validate()
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert (
        desk.rules.read_text()
        == after + '\n[[rule]]\nname = "quiet-host"\ntype = "silence"\nthreshold = "30s"\n'
    )
    assert desk.row("quiet-host")[3] == "silent > 30 s"


def test_a_rule_that_does_not_parse_is_listed_at_its_line_and_the_others_run(qtbot, desk):
    desk.rules.write_text(desk.rules.read_text() + '\n[[rule]]\nname = "broken"\nthreshold = "x"\n')
    desk.open()
    panel = desk.panel
    assert panel.problems.count() == 1
    line = desk.rules.read_text().splitlines().index('threshold = "x"') + 1
    assert (
        panel.problems.item(0).text()
        == f"line {line}: threshold: expected a number, got 'x'  (rule broken, not running)"
    )
    assert [r.name for r in panel.feed.engine.rules] == ["bash-spike", "sshd-high"]
    panel._edit_problem(panel.problems.item(0))
    dialog = panel.edit_dialog
    assert dialog.replacing == "broken" and dialog.editor.textCursor().blockNumber() == 2
    # an edit made outside the desk (any text editor) is picked up
    time.sleep(0.01)
    desk.rules.write_text(desk.rules.read_text().replace('threshold = "x"', "threshold = 5"))
    qtbot.waitUntil(lambda: (panel.slow_refresh(), panel.problems.count() == 0)[1], timeout=5_000)
    panel.feed.wait_idle()
    assert [r.name for r in panel.feed.engine.rules] == ["bash-spike", "sshd-high", "broken"]


def test_test_now_runs_the_rules_actions_once_for_real_and_shows_the_result(qtbot, desk):
    desk.open()
    desk.panel.test_now("bash-spike")
    qtbot.waitUntil(lambda: desk.out.exists() and desk.out.read_text().strip() != "", timeout=20_000)
    assert desk.out.read_text() == f"bash-spike {desk.host} bash 100 firing\n"

    def shown():
        desk.panel.take_events()
        return [
            e for e in desk.panel.timeline.entries.values() if e.test and e.action_summary() == "command ok"
        ]

    qtbot.waitUntil(lambda: bool(shown()), timeout=20_000)
    [_entry] = shown()
    top = desk.panel.timeline.tree.topLevelItem(0)
    assert top.text(1) == "bash-spike (test now)" and top.text(6) == "command ok"
    assert desk.row("bash-spike")[4] == "ok"  # a test is not an alert


def test_backtest_on_an_open_recording_shows_what_would_have_fired_and_marks_its_plots(qtbot, desk, tmp_path):
    w = desk.open()
    feed = [snap(desk.host, i, 400 if 20 <= i < 25 or 60 <= i < 62 else 10) for i in range(90)]
    with RecordingWriter(tmp_path / "rec", rotate_seconds=0.01) as writer:
        for i in range(0, 90, 10):
            writer(feed[i : i + 10])
            time.sleep(0.02)
    source = w.open_recording(str(tmp_path / "rec"))
    w.plot_stream(source, (desk.host, "syscalls", "num"))
    dialog = desk.panel.backtest(source)
    qtbot.waitUntil(
        lambda: dialog.job.finished.is_set() and dialog.progress.value() == dialog.job.total, timeout=30_000
    )
    expected = firings(backtest(loads(desk.rules.read_text()), feed))
    assert [(r, c, t - T0) for r, _s, c, t in expected] == [
        ("bash-spike", "firing", 22.0),
        ("bash-spike", "resolved", 26.0),
    ]
    assert dialog.job.firings() == expected
    assert dialog.status.text() == "Replayed 90 snapshots: 1 firings, 1 resolves, 1 actions would have run."
    [entry] = dialog.timeline.entries.values()
    assert (entry.fired, entry.resolved, entry.action_summary()) == (T0 + 22, T0 + 26, "command would_run")
    assert not desk.out.exists()  # nothing ran
    card = next(c for c in w.dashboard.current_page().cards if c.source is source)
    qtbot.waitUntil(lambda: card.panel.alert_marks != [], timeout=5_000)
    assert [m[:2] for m in card.panel.alert_marks] == [(T0 + 22, T0 + 26)]
    dialog.buttons.buttons()[0].click()
    assert not dialog.isVisible()


def test_plot_marks_are_bounded(qtbot):
    from suricate_desktop.gui.plots.panel import PlotPanel
    from suricate_desktop.store.live import LiveStore

    store = LiveStore()
    store.ingest([snap("m", i, 10) for i in range(5)])
    panel = PlotPanel(store, ("m", "syscalls", "num"))
    qtbot.addWidget(panel)
    panel.show()
    panel.set_alert_marks([(T0 + i / 100, None, f"firing {i}", "#cf222e") for i in range(200)])
    panel._refresh(budgeted=False)
    assert len(panel.alert_marks) == MAX_ALERT_MARKS
    assert panel.alert_marks[0][2] == f"firing {200 - MAX_ALERT_MARKS}"
    assert sum(line.isVisible() for line, _ in panel.time_marks.alert_items) == MAX_ALERT_MARKS


def test_models_beside_the_rules_file_are_scorers_in_the_panel(qtbot, desk, tmp_path):
    from test_rules import trained_model

    trained_model(tmp_path)  # tmp_path/models, beside tmp_path/rules.toml
    desk.rules.write_text(
        desk.rules.read_text() + '\n[[rule]]\nname = "bash-unusual"\ntype = "score"\n'
        'scorer = "model:bash-baseline"\nkey = "bash"\nthreshold = 8\n'
    )
    desk.open()
    assert desk.panel.problems.count() == 0
    assert desk.row("bash-unusual")[3] == "score(model:bash-baseline) > 8"


def test_columns_fit_their_contents_and_the_edit_dialog_lists_every_problem_at_once(qtbot, desk):
    """Issue 15: the alert history's State column and the rules table were cut off; the rule dialog showed
    one error at a time."""
    desk.open()
    panel = desk.panel
    desk.send([10] * 3 + [400] * 3)
    desk.wait_state("bash-spike", "firing")
    qtbot.waitUntil(lambda: (panel.take_events(), bool(panel.timeline.entries))[1], timeout=20_000)
    [entry] = panel.timeline.entries.values()
    panel.timeline.acknowledge(entry, "on it")
    desk.wait_state("bash-spike", "acknowledged")
    qtbot.waitUntil(lambda: (panel.take_events(), entry.state)[1] == "acknowledged", timeout=20_000)
    table, tree = panel.table, panel.timeline.tree
    assert tree.topLevelItem(0).text(3) == "acknowledged"
    for view, header in ((table, table.horizontalHeader()), (tree, tree.header())):
        for col in range(header.count() - 1):  # the last column takes what is left
            needed = max(view.sizeHintForColumn(col), header.sectionSizeHint(col))
            assert header.sectionSize(col) >= needed, (view, col, header.sectionSize(col), needed)
    sources = desk.window.sources_pane.table
    rejected = [sources.horizontalHeaderItem(c).text() for c in range(sources.columnCount())].index(
        "Rejected"
    )
    assert sources.horizontalHeader().sectionSize(rejected) >= sources.sizeHintForColumn(rejected)

    dialog = panel.edit_rule("sshd-high")
    dialog.editor.setPlainText(
        '[[rule]]\nname = "sshd-high"\nseverity = "urgent"\nkey = "sshd"\nthreshold = "lots"\nfro = 5\n'
    )
    dialog.validate()
    shown = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert shown == [
        "line 3: severity: expected one of info, warning, critical, got 'urgent'",
        "line 5: threshold: expected a number, got 'lots'",
        "line 6: unknown field 'fro'",
    ]
    assert dialog.verdict.text() == "✘ 3 problems: fix before saving"
    # all three in sight, none behind a scroll bar
    assert dialog.problems.verticalScrollBar().maximum() == 0
    dialog.reject()


def test_a_trace_action_goes_to_the_broker_its_host_publishes_to_not_the_first(
    qtbot, tmp_path, broker_url, exchange, agent
):
    """A desk attached to two brokers: the first (added first, so the actions' default) is one that is not
    there; the alerting host publishes to the second. "Test now" of a drill-down rule must ask that host's
    agent on the second broker and record the capture there."""
    (tmp_path / "rules.toml").write_text(
        f"""[[rule]]
name = "drill"
host = "{agent}"
source = "syscalls"
key = "bash"
threshold = 100

[[rule.action]]
type = "trace"
backend = "sampler"
duration = 1.0
interval = 0.25
retries = 0
"""
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(settings=settings, restore_sources=False)
    qtbot.addWidget(w)
    w.show()
    try:
        w.registry.add(
            BrokerSource("amqp://guest:guest@127.0.0.1:1/%2F", ["#"], exchange=exchange, name="gone")
        )
        source = w.registry.add(BrokerSource(broker_url, [f"{agent}.#"], exchange=exchange))
        assert source.consumer.wait_ready(20)
        publisher = Publisher(broker_url, exchange).start()
        try:
            publisher([snap(agent, 0, 5)])
            assert publisher.flush(10)
        finally:
            publisher.close()
        qtbot.waitUntil(lambda: any(i.stream[0] == agent for i in source.store.streams()), timeout=20_000)
        panel = w.rules_panel
        panel.test_now("drill")

        def done():
            panel.take_events()
            return [
                e
                for e in panel.timeline.entries.values()
                if e.test and e.action_summary() in ("trace ok", "trace failed")
            ]

        qtbot.waitUntil(lambda: bool(done()), timeout=60_000)
        [entry] = done()
        assert entry.action_summary() == "trace ok"
        [capture] = entry.captures()
        assert {s.host for s in iter_snapshots(capture)} == {agent}
    finally:
        w.close()
