"""Rules on real streams through the real RabbitMQ: the engine, its AMQP alerts, the headless CLI, drill-down."""

import json
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pika
import pytest
from waiting import wait_until

from suricate_desktop.rules import Action, ActionRunner, Engine, backtest, firings, loads
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.publisher import Publisher

ROOT = Path(__file__).resolve().parents[1]
CMD = [sys.executable, "-m", "suricate_desktop.cli.cmd_rules"]
SECRET = "0123456789abcdef0123456789abcdef"
T0 = 1_764_280_800.0

pytestmark = [pytest.mark.broker, pytest.mark.timeout(180)]


def snap(i, bash, host="web01", sshd=5):
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


@pytest.fixture
def alerts_queue(broker_url):
    """An alerts exchange of this test's own, and a queue bound to its critical alerts."""
    name = f"test.alerts.{uuid.uuid4().hex[:8]}"
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    ch = conn.channel()
    ch.exchange_declare(name, "topic", durable=True)
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(q, name, routing_key="critical.#")

    def get_all():
        out = []
        while True:
            method, props, body = ch.basic_get(q, auto_ack=True)
            if method is None:
                return out
            out.append((method.routing_key, props.content_type, json.loads(body)))

    yield name, get_all
    ch.exchange_delete(name)
    conn.close()


RULES = """
[[rule]]
name = "bash-spike"
severity = "critical"
host = "web*"
source = "syscalls"
agg = "num"
key = "bash"
threshold = 100
clear = 50
for = "4s"
clear_for = "2s"
cooldown = "30s"

[[rule.action]]
type = "amqp"
exchange = "{alerts}"
on = ["firing", "resolved"]
"""


def test_a_threshold_rule_fires_on_a_real_stream_after_its_for_resolves_with_hysteresis_cooldown_and_silence_hold(
    broker_url, exchange, queue_name, alerts_queue, tmp_path
):
    alerts, get_alerts = alerts_queue
    rules = loads(RULES.replace("{alerts}", alerts))
    assert not rules.problems
    events = []
    engine = Engine(rules, listeners=[events.append])
    engine.runner = ActionRunner(engine.action_result, broker=broker_url)
    live = Consumer(engine, broker_url, exchange, ["web01.#"]).start()
    writer = RecordingWriter(tmp_path / "rec", rotate_seconds=0.2)
    recorder = Consumer(writer, broker_url, exchange, ["web01.#"], queue=queue_name).start()
    publisher = Publisher(broker_url, exchange).start()
    assert live.wait_ready() and recorder.wait_ready()
    sent = 0

    def send(values):
        nonlocal sent
        publisher([snap(sent + i, v) for i, v in enumerate(values)])
        sent += len(values)
        assert publisher.flush(10)
        assert wait_until(lambda: engine.snapshots == sent), (engine.snapshots, sent)

    def fired():
        return [(c, ts - T0) for _r, _s, c, ts in firings(events)]

    try:
        send([10] * 10)  # t 0..9: quiet
        send([400] * 4)  # t 10..13: the spike, shorter than `for` so far
        assert fired() == []
        assert engine.states()["bash-spike"]["state"] == "pending"
        send([400])  # t 14: held 4 s -> fires
        assert fired() == [("firing", 14.0)]
        send([70] * 3)  # t 15..17: below the threshold, above clear: still firing
        assert fired() == [("firing", 14.0)]
        send([10] * 3)  # t 18..20: clear for 2 s -> resolved at 20
        assert fired() == [("firing", 14.0), ("resolved", 20.0)]
        send([400] * 6 + [10] * 3)  # t 21..29: within the 30 s cooldown: pending, never firing
        assert fired() == [("firing", 14.0), ("resolved", 20.0)]
        engine.silence("bash-spike", until=T0 + 60)
        send([10] * 15 + [400] * 6)  # t 30..50: after the cooldown, fires silenced
        assert fired()[-1] == ("firing", 49.0)
        assert engine.states()["bash-spike"]["state"] == "silenced"
        send([10] * 3)
        assert engine.runner.wait_idle(20)
        # the AMQP alerts of the first firing and its resolve, none for the silenced one
        msgs = []
        assert wait_until(lambda: msgs.extend(get_alerts()) or len(msgs) >= 2)
        time.sleep(0.3)
        msgs.extend(get_alerts())
        assert [(m["state"], m["ts"] - T0) for _k, _ct, m in msgs] == [("firing", 14.0), ("resolved", 20.0)]
        key, content_type, first = msgs[0]
        assert key == "critical.web01.bash-spike" and content_type == "application/json"
        assert (
            first["v"],
            first["type"],
            first["rule"],
            first["host"],
            first["source"],
            first["agg"],
            first["key"],
            first["value"],
            first["threshold"],
        ) == (1, "suricate.alert", "bash-spike", "web01", "syscalls", "num", "bash", 400.0, 100.0)
        assert [s for s, _ in first["transitions"]] == ["pending", "firing"]
        statuses = [(e["on"], e["status"]) for e in events if e["event"] == "action"]
        assert sorted(statuses) == sorted(
            [
                ("firing", "submitted"),
                ("firing", "ok"),
                ("resolved", "submitted"),
                ("resolved", "ok"),
                ("firing", "silenced"),
                ("resolved", "silenced"),
            ]
        )
        # The engine's decisions come in order; the actions' results ("ok") whenever their threads finish.
        decided = [s for s in statuses if s[1] != "ok"]
        assert decided == [
            ("firing", "submitted"),
            ("resolved", "submitted"),
            ("firing", "silenced"),
            ("resolved", "silenced"),
        ]
    finally:
        publisher.close()
        live.stop()
        time.sleep(0.5)
        recorder.stop()
        writer.close()
        engine.close()
    # the recording of the same stream, backtested, fires and resolves exactly when the live engine did
    recorded = list(iter_snapshots(tmp_path / "rec"))
    assert len(recorded) == sent
    bt = backtest(rules, recorded)
    assert [(r, s, c, round(ts, 3)) for r, s, c, ts in firings(bt)][:2] == [
        (r, s, c, round(ts, 3)) for r, s, c, ts in firings(events)
    ][:2]
    # the silence was the user's, in the live run only; without it the backtest reports that firing as firing
    assert [c for _r, _s, c, _t in firings(bt)] == [c for _r, _s, c, _t in firings(events)]


class _Lines:
    """A subprocess's stdout, line by line, read in a thread."""

    def __init__(self, proc):
        self.lines = []
        self.q = queue.Queue()
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line)
            self.q.put(line)

    def events(self):
        return [json.loads(line) for line in list(self.lines)]

    def wait(self, predicate, timeout=30.0):
        return wait_until(lambda: any(predicate(e) for e in self.events()), timeout)


def rules_run(*args) -> tuple[subprocess.Popen, _Lines]:
    """``suricate rules run ARGS`` in the background, and its stdout's JSON lines as they come."""
    proc = subprocess.Popen(
        [*CMD, "run", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return proc, _Lines(proc)


def test_rules_run_headless_runs_the_command_and_amqp_actions_logs_json_and_exits_0_on_sigterm(
    broker_url, exchange, alerts_queue, tmp_path
):
    alerts, get_alerts = alerts_queue
    out = tmp_path / "paged.txt"
    writer = tmp_path / "write.py"
    writer.write_text("import sys\nopen(sys.argv[1], 'w').write(' '.join(sys.argv[2:]))\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(f'''
[[rule]]
name = "db-latency"
severity = "critical"
host = "db*"
key = "bash"
threshold = 100
for = 2

[[rule.action]]
type = "command"
args = [{json.dumps(sys.executable)}, {json.dumps(str(writer))}, {json.dumps(str(out))}, "{{host}}", "{{key}}",
        "{{value}}", "{{state}}"]

[[rule.action]]
type = "amqp"
exchange = "{alerts}"

[[rule]]
name = "broken"
threshold = "high"
''')
    history = tmp_path / "history.jsonl"
    proc = subprocess.Popen(
        [
            *CMD,
            "run",
            str(rules),
            "--broker",
            broker_url,
            "--bind",
            "db01.#",
            "--exchange",
            exchange,
            "--history",
            str(history),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _Lines(proc)
    publisher = Publisher(broker_url, exchange).start()
    try:
        assert lines.wait(lambda e: e["event"] == "broker" and e["state"] == "connected"), proc.stderr
        started = next(e for e in lines.events() if e["event"] == "started")
        assert started["rules"] == ["db-latency"]
        assert started["problems"] == [f"{rules}:21: error: threshold: expected a number, got 'high'"]
        publisher([snap(i, v, host="db01") for i, v in enumerate([10, 10, 300, 300, 300, 10])])
        publisher([snap(i, 999, host="web01") for i in range(6)])  # not bound: never seen
        assert publisher.flush(10)
        assert wait_until(out.exists, 30), lines.lines
        assert wait_until(lambda: out.read_text() == "db01 bash 300 firing")
        assert lines.wait(lambda e: e["event"] == "action" and e["action"] == "amqp" and e["status"] == "ok")
        assert lines.wait(
            lambda e: e["event"] == "action" and e["action"] == "command" and e["status"] == "ok"
        )
    finally:
        publisher.close()
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert rc == 0, proc.stderr.read()
    time.sleep(0.2)
    events = lines.events()
    assert events[-1]["event"] == "stopped" and events[-1]["snapshots"] == 6
    assert (events[-1]["evicted_streams"], events[-1]["evicted_alerts"]) == (0, 0)  # far below the caps
    fired = [e for e in events if e["event"] == "transition" and e.get("change") == "firing"]
    assert [(e["rule"], e["series"], e["ts"] - T0, e["value"]) for e in fired] == [
        ("db-latency", "db01.syscalls.num[bash]", 4.0, 300.0)
    ]
    cmd = next(
        e for e in events if e["event"] == "action" and e["action"] == "command" and e["status"] == "ok"
    )
    assert cmd["result"]["exit"] == 0 and cmd["args"][-4:] == ["db01", "bash", "300", "firing"]
    [(key, _ct, msg)] = get_alerts()
    assert key == "critical.db01.db-latency" and msg["state"] == "firing" and msg["id"] == fired[0]["alert"]
    kept = [json.loads(line) for line in history.read_text().splitlines()]
    assert [(e["state"], e["ts"] - T0) for e in kept if e["event"] == "transition"] == [
        ("pending", 2.0),
        ("firing", 4.0),
        ("resolved", 5.0),
    ]
    assert {e["alert"] for e in kept if e["event"] == "action"} == {fired[0]["alert"]}


def test_the_trace_action_runs_a_capture_on_the_alerting_host_and_records_it(
    broker_url, exchange, agent, tmp_path
):
    host = agent
    reports = []
    runner = ActionRunner(
        reports.append, broker=broker_url, exchange=exchange, captures=tmp_path / "captures"
    )
    try:
        runner.submit(
            Action("trace", backend="sampler", duration=1.5, interval=0.25, retries=0),
            {"id": "a1b2c3d4e5f60718", "host": host, "rule": "r"},
        )
        assert wait_until(lambda: reports, 60)
    finally:
        runner.close()
    [report] = reports
    assert report["status"] == "ok", report
    result = report["result"]
    assert result["host"] == host and result["run"] and result["source"] == "drill-a1b2c3d4e5f6"
    assert result["end"]["error"] is None and result["snapshots"] > 0
    assert (
        result["snapshots"] == result["end"]["snapshots"]
    )  # every snapshot the agent sent is in the capture
    captured = list(iter_snapshots(result["recording"]))
    assert len(captured) == result["snapshots"]
    assert {(s.host, s.source, s.run) for s in captured} == {(host, "drill-a1b2c3d4e5f6", result["run"])}
    meta = json.loads((Path(result["recording"]) / "recording.json").read_text())
    assert meta["alert"] == "a1b2c3d4e5f60718" and meta["bindings"] == [f"{host}.drill-a1b2c3d4e5f6.#"]


def test_a_trace_action_asks_the_agent_on_the_broker_its_host_is_routed_to(
    broker_url, exchange, agent, tmp_path
):
    """With several brokers, the runner's own (here one that is not there) is not where every host is: the
    route names the broker the alerting host publishes to, and the capture is asked and recorded there."""
    host = agent
    routed = []

    def route(alert):
        routed.append(alert["host"])
        return (broker_url, exchange, None) if alert["host"] == host else None

    reports = []
    runner = ActionRunner(
        reports.append,
        broker="amqp://guest:guest@127.0.0.1:1/%2F",
        exchange="elsewhere",
        captures=tmp_path / "captures",
        route=route,
    )
    try:
        runner.submit(
            Action("trace", backend="sampler", duration=1.0, interval=0.25, retries=0),
            {"id": "0f1e2d3c4b5a6978", "host": host, "rule": "r"},
        )
        assert wait_until(lambda: reports, 60)
    finally:
        runner.close()
    [report] = reports
    assert routed == [host]
    assert report["status"] == "ok", report
    assert report["result"]["exchange"] == exchange and report["result"]["snapshots"] > 0
    captured = list(iter_snapshots(report["result"]["recording"]))
    assert captured and {s.host for s in captured} == {host}


def test_rules_run_rereads_the_rules_file_when_it_changes(broker_url, exchange, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "one"\nthreshold = 1\n')
    proc, lines = rules_run(rules, "--broker", broker_url, "--bind", "nothing.#", "--exchange", exchange)
    try:
        assert lines.wait(lambda e: e["event"] == "broker" and e["state"] == "connected"), proc.stderr
        time.sleep(1.1)  # a different mtime, whatever the file system's resolution
        rules.write_text(
            '[[rule]]\nname = "one"\nthreshold = 1\n[[rule]]\nname = "two"\nthreshold = 2\n'
            '[[rule]]\nname = "bad"\n'
        )
        assert lines.wait(lambda e: e["event"] == "reload")
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(30)
    assert rc == 0
    reload = next(e for e in lines.events() if e["event"] == "reload")
    assert reload["rules"] == ["one", "two"]
    assert reload["problems"] == [f"{rules}:8: error: missing field 'threshold'"]


def test_rules_run_follows_its_models_folder(broker_url, exchange, tmp_path):
    """A model added to ``--models DIR`` while ``rules run`` runs is a scorer at the next second, a model
    deleted there is no more (its rule left out, said), and a model whose file is broken afterwards keeps its
    last good version. Before, the daemon read the folder once: the reload said "unknown scorer" for a
    model added, and a deleted one went on scoring."""
    from test_rules import trained_model

    from suricate_desktop.analytics import ModelRegistry

    folder = tmp_path / "models"
    folder.mkdir()
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "new-model"\ntype = "score"\nscorer = "model:bash-baseline"\nkey = "bash"\n'
        "threshold = 8\n"
    )
    proc, lines = rules_run(rules, "--broker", broker_url, "--exchange", exchange, "--models", folder)
    try:
        assert lines.wait(lambda e: e["event"] == "started"), proc.stderr
        started = next(e for e in lines.events() if e["event"] == "started")
        assert started["problems"] and started["models"] == []  # its model is not there yet
        trained_model(tmp_path)  # bash-baseline saved into the folder
        assert lines.wait(lambda e: e["event"] == "reload" and e["models"] == ["model:bash-baseline"])
        reload = [e for e in lines.events() if e["event"] == "reload"][-1]
        assert reload["rules"] == ["new-model"] and reload["problems"] == []
        description = folder / "bash-baseline.model.json"
        description.write_text(description.read_text().replace('"detectors"', '"detectors_"', 1))
        assert lines.wait(lambda e: e["event"] == "models")
        said = next(e for e in lines.events() if e["event"] == "models")["error"]
        assert said.startswith("Model bash-baseline cannot be read again, its last version kept")
        ModelRegistry(folder).delete("bash-baseline")
        assert lines.wait(lambda e: e["event"] == "reload" and e["models"] == [] and e["problems"])
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(30)
    assert rc == 0, proc.stderr.read()
    last = [e for e in lines.events() if e["event"] == "reload"][-1]
    assert "unknown scorer 'model:bash-baseline'" in last["problems"][0]


MODEL_RULES = """
[[rule]]
name = "bash-unusual"
severity = "critical"
type = "score"
scorer = "model:bash-baseline"       # the trained model of the registry folder given with --models
source = "syscalls"
agg = "num"
key = "bash"
threshold = 8
clear = 4
for = "3s"
clear_for = "2s"

[[rule.action]]
type = "amqp"
exchange = "{alerts}"
"""


def test_a_rule_over_a_models_score_fires_on_a_real_stream_after_its_for_and_resolves_with_hysteresis(
    broker_url, exchange, alerts_queue, tmp_path
):
    """`suricate rules run --models DIR`: a z-score model learnt from web01's quiet bash calls scores the live
    stream; a spike scores far above 8, fires once held 3 s; a value scoring between 4 and 8 keeps it firing;
    it resolves once the score has stayed under 4 for 2 s."""
    from suricate_desktop.analytics import DETECTORS, LiveScorer, ModelRegistry
    from suricate_desktop.store.live import LiveStore

    host = f"mdl{uuid.uuid4().hex[:8]}"
    quiet = [18, 19, 20, 21, 22]
    store = LiveStore()
    store.ingest([snap(i - 400, quiet[i % 5], host=host) for i in range(300)])
    model = LiveScorer(
        store, (host, "syscalls", "num"), DETECTORS["zscore"](window=240, min_periods=20), keys=[("bash",)]
    ).fit()
    registry = ModelRegistry(tmp_path / "models")
    model.save(registry, "bash-baseline")
    detector = registry.load("bash-baseline").detectors[0]

    def score(v):
        return float(detector.score([v], learn=False)[0])

    spike, middling = 60, next(v for v in range(21, 60) if 4 < score(v) < 8)
    assert score(spike) > 8 and score(20) < 4
    alerts, get_alerts = alerts_queue
    rules = tmp_path / "rules.toml"
    rules.write_text(MODEL_RULES.replace("{alerts}", alerts))
    proc = subprocess.Popen(
        [
            *CMD,
            "run",
            str(rules),
            "--broker",
            broker_url,
            "--bind",
            f"{host}.#",
            "--exchange",
            exchange,
            "--models",
            str(tmp_path / "models"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _Lines(proc)
    publisher = Publisher(broker_url, exchange).start()
    values = [20] * 10 + [spike] * 5 + [middling] * 3 + [20] * 3  # t 0..9 quiet, 10..14 spike, 15..17, 18..20
    try:
        assert lines.wait(lambda e: e["event"] == "broker" and e["state"] == "connected"), proc.stderr
        started = next(e for e in lines.events() if e["event"] == "started")
        assert started["models"] == ["model:bash-baseline"] and started["problems"] == []
        publisher([snap(i, v, host=host) for i, v in enumerate(values)])
        assert publisher.flush(10)
        assert lines.wait(lambda e: e.get("change") == "resolved"), lines.lines
        assert lines.wait(lambda e: e["event"] == "action" and e["status"] == "ok")
    finally:
        publisher.close()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(30)
    assert rc == 0, proc.stderr.read()
    changes = [
        (e["state"], e["ts"] - T0, e.get("change")) for e in lines.events() if e["event"] == "transition"
    ]
    # pending at the spike's first point; firing only once it held 3 s (not at 10, 11 or 12); the middling
    # values (score between clear and threshold) keep it firing; clear from 18, held 2 s: resolved at 20
    assert changes == [("pending", 10.0, None), ("firing", 13.0, "firing"), ("resolved", 20.0, "resolved")]
    fired = next(e for e in lines.events() if e.get("change") == "firing")
    assert fired["value"] == spike and fired["score"] == pytest.approx(score(spike))
    [(key, _ct, msg)] = get_alerts()
    assert (
        key == f"critical.{host}.bash-unusual" and msg["condition"] == "score" and msg["id"] == fired["alert"]
    )
