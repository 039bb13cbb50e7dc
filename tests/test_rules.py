"""Rules (issue 6, the Qt-free core): the file, the state machine, the scorer, the actions, backtest."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from waiting import wait_until

from suricate_desktop.rules import (
    Action,
    ActionRunner,
    AlertHistory,
    Engine,
    RollingZScore,
    RuleError,
    backtest,
    dumps,
    fill,
    firings,
    load,
    loads,
    parse_rule,
    register_scorer,
)
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots

CMD = [sys.executable, "-m", "suricate_desktop.cli.cmd_rules"]
ROOT = Path(__file__).resolve().parents[1]


def snaps(values, host="web01", t0=1000.0, key="bash", other=3, source="syscalls", agg="num"):
    return [
        Snapshot(host, source, agg, "count", t0 + i, 1.0, True, [[[key], v], [["sshd"], other]], i + 1, "r1")
        for i, v in enumerate(values)
    ]


def run_engine(rules_text, snapshots, **kw):
    events = []
    engine = Engine(loads(rules_text), dry_run=True, listeners=[events.append], **kw)
    for s in snapshots:
        engine.ingest([s])
    return engine, events


def changes(events):
    return [(rule, change, ts) for rule, _series, change, ts in firings(events)]


# -- the file ----------------------------------------------------------------------------------------------------------
GOOD_AND_BAD = """\
# rules for web
[defaults]
severity = "critical"

[[rule]]
name = "spike"
host = "web*"
key = "bash"
threshold = 100
for = "3s"

[[rule.action]]
type = "command"
args = ["echo", "{host}", "{value}"]

[[rule]]
name = "broken-toml"
threshold = = 3

[[rule]]
name = "bad-op"
threshold = 4
op = "!="

[[rule]]
name = "quiet"
type = "silence"
threshold = "5s"

[[rule]]
name = "bad-placeholder"
threshold = 1

[[rule.action]]
type = "command"
args = ["rm", "{path}"]

[[rule]]
name = "bad-webhook"
threshold = 1
[[rule.action]]
type = "webhook"
url = "ftp://x"
"""


def test_a_malformed_rules_file_reports_each_bad_rule_at_its_line_and_the_others_load():
    rs = loads(GOOD_AND_BAD, "web.toml")
    assert [r.name for r in rs] == ["spike", "quiet"]
    problems = [(p.line, p.message.split(":")[0]) for p in rs.problems]
    assert problems == [(18, "TOML"), (23, "op"), (36, "action 1"), (43, "action 1")]
    assert str(rs.problems[0]).startswith("web.toml:18: error: TOML: ")
    assert "unknown placeholder {path}" in rs.problems[2].message
    spike = rs.get("spike")
    assert (spike.severity, spike.for_, spike.threshold, spike.line) == ("critical", 3.0, 100.0, 5)
    assert rs.get("quiet").threshold == 5.0


def test_validation_errors_name_the_field():
    with pytest.raises(RuleError, match="clear 120 is on the firing side"):
        parse_rule({"name": "x", "threshold": 100, "clear": 120})
    with pytest.raises(RuleError, match="unknown field 'treshold'"):
        parse_rule({"name": "x", "treshold": 100})
    with pytest.raises(RuleError, match="flap detection needs both"):
        parse_rule({"name": "x", "threshold": 1, "flap_count": 3})
    with pytest.raises(RuleError, match="unknown scorer 'nope'"):
        parse_rule({"name": "x", "type": "score", "threshold": 1, "scorer": "nope"})
    with pytest.raises(RuleError, match="a fraction between 0 and 1"):
        parse_rule({"name": "x", "type": "anomaly_rate", "threshold": 5})
    with pytest.raises(RuleError, match="a command needs args"):
        parse_rule({"name": "x", "threshold": 1, "action": [{"type": "command", "args": "rm -rf /"}]})
    rs = loads('[[rule]]\nname = "a"\nthreshold = 1\n[[rule]]\nname = "a"\nthreshold = 2\n')
    assert (
        [r.name for r in rs] == ["a"] and rs.problems[0].line == 5 and "second rule" in rs.problems[0].message
    )


def test_the_writer_reads_back_to_the_same_rules(tmp_path):
    rs = loads(GOOD_AND_BAD)
    text = dumps(rs)
    back = loads(text)
    assert not back.problems
    strip = lambda r: r.__class__(**{**r.__dict__, "line": 0})
    assert [strip(r) for r in back] == [strip(r) for r in rs]
    full = parse_rule(
        {
            "name": "all",
            "type": "anomaly_rate",
            "threshold": 0.2,
            "window": "2m",
            "score_threshold": 3.5,
            "scorer_options": {"window": 20},
            "labels": {"team": 'sre "db"'},
            "description": "a\nb",
            "flap_window": 600,
            "flap_count": 4,
            "cooldown": "1m",
            "rate_limit": 3,
            "action": [
                {"type": "webhook", "url": "http://127.0.0.1/x", "headers": {"X-A": "1"}, "retries": 5},
                {"type": "trace", "backend": "sampler", "duration": 5, "on": ["firing", "resolved"]},
                {"type": "amqp", "exchange": "alerts"},
            ],
        }
    )
    (tmp_path / "r.toml").write_text(dumps([full]))
    again = load(tmp_path / "r.toml")
    assert not again.problems and strip(again.rules[0]) == strip(full)


# -- the state machine -------------------------------------------------------------------------------------------------
def test_threshold_waits_for_its_for_and_resolves_with_hysteresis():
    rules = '[[rule]]\nname = "r"\nkey = "bash"\nthreshold = 100\nclear = 50\nfor = 3\nclear_for = 2\n'
    # 10 quiet seconds, a spike at t=1010..1015, then 70 (between clear and threshold), then quiet
    values = [10] * 10 + [500] * 6 + [70] * 4 + [10] * 5
    engine, events = run_engine(rules, snaps(values))
    # 70 is not clear (hysteresis): the clear_for starts at 1020 and ends at 1022
    assert changes(events) == [("r", "firing", 1013.0), ("r", "resolved", 1022.0)]
    states = [(e["state"], e["ts"]) for e in events if e["event"] == "transition"]
    assert states == [("pending", 1010.0), ("firing", 1013.0), ("resolved", 1022.0)]
    [alert] = engine.alerts()
    assert list(alert.transitions) == states
    # a breach shorter than `for` never fires
    _, events = run_engine(rules, snaps([10] * 5 + [500] * 3 + [10] * 5))
    assert changes(events) == []
    assert [e["state"] for e in events if e["event"] == "transition"] == ["pending", "ok"]


def test_cooldown_holds_a_second_firing_back():
    rules = '[[rule]]\nname = "r"\nkey = "bash"\nthreshold = 100\ncooldown = 10\n'
    values = [500, 10, 500, 10, 10, 10, 10, 10, 10, 10, 10, 500, 10]
    _, events = run_engine(rules, snaps(values))
    # fired at 1000; the breach at 1002 is within the cooldown (stays pending); 1011 fires again
    assert changes(events) == [
        ("r", "firing", 1000.0),
        ("r", "resolved", 1001.0),
        ("r", "firing", 1011.0),
        ("r", "resolved", 1012.0),
    ]
    # a breach that lasts through the cooldown fires when it ends
    _, events = run_engine(rules, snaps([500, 10] + [500] * 12))
    assert changes(events)[2] == ("r", "firing", 1010.0)


def test_silence_and_acknowledge_hold_actions_and_show_their_state():
    rules = (
        '[[rule]]\nname = "r"\nkey = "bash"\nthreshold = 100\n'
        '[[rule.action]]\ntype = "command"\nargs = ["true"]\n'
    )
    events = []
    engine = Engine(loads(rules), dry_run=True, listeners=[events.append])
    engine.silence("r", until=1005.0)
    for s in snaps([500, 500, 10, 500, 10, 10, 500]):
        engine.ingest([s])
    # fired at 1000 and 1003 while silenced (actions held), at 1006 after the silence (action would run)
    acts = [(e["ts"], e["status"]) for e in events if e["event"] == "action"]
    assert acts == [(1000.0, "silenced"), (1003.0, "silenced"), (1006.0, "would_run")]
    assert [(e["state"], e["ts"]) for e in events if e["event"] == "transition"][:2] == [
        ("silenced", 1000.0),
        ("resolved", 1002.0),
    ]
    # acknowledge: held until the alert resolves
    [alert] = engine.alerts()
    assert alert.state == "firing"
    assert engine.acknowledge("r", comment="on it") == 1
    assert alert.state == "acknowledged" and alert.ack_comment == "on it"
    engine.ingest(snaps([500], t0=1007.0))
    assert alert.state == "acknowledged"
    engine.ingest(snaps([10, 500], t0=1008.0))
    assert [s for s, _ in list(alert.transitions)[-3:]] == ["acknowledged", "resolved", "firing"]
    # silence until it resolves
    engine.silence("r", until=None)
    assert alert.state == "silenced"
    engine.ingest(snaps([10, 500], t0=1010.0))
    assert alert.state == "firing"
    assert engine.states()["r"]["state"] == "firing"


def test_flapping_holds_actions_and_rate_limit_caps_them():
    rules = (
        '[[rule]]\nname = "r"\nkey = "*"\nthreshold = 100\nflap_window = 60\nflap_count = 3\nrate_limit = 0\n'
        '[[rule.action]]\ntype = "command"\nargs = ["true"]\n'
    )
    _, events = run_engine(rules, snaps([500, 10] * 4, other=0))
    acts = [e["status"] for e in events if e["event"] == "action"]
    assert acts == ["would_run", "would_run", "flapping", "flapping"]
    rules = (
        '[[rule]]\nname = "r"\nkey = "*"\nthreshold = 100\nrate_limit = 3\n'
        '[[rule.action]]\ntype = "command"\nargs = ["true"]\n'
    )
    # two series fire at 1000, resolve at 1003, fire again at 1004: the fourth action within a minute is held
    both = [
        Snapshot("web01", "syscalls", "num", "count", 1000.0 + i, 1.0, True, [[["bash"], v], [["sshd"], v]])
        for i, v in enumerate([500, 500, 500, 10, 500])
    ]
    _, events = run_engine(rules, both)
    acts = [(e["ts"], e["status"]) for e in events if e["event"] == "action"]
    assert acts == [
        (1000.0, "would_run"),
        (1000.0, "would_run"),
        (1004.0, "would_run"),
        (1004.0, "rate_limited"),
    ]


def test_rate_of_change_and_silent_stream_rules():
    rules = (
        '[[rule]]\nname = "rise"\ntype = "rate"\nkey = "bash"\nthreshold = 50\nview = "cumulative"\n'
        '[[rule]]\nname = "quiet"\ntype = "silence"\nsource = "syscalls"\nthreshold = "5s"\n'
    )
    values = [10] * 5 + [100] * 2 + [10] * 3
    engine, events = run_engine(rules, snaps(values) + snaps([1], host="db01", t0=1020.0))
    # cumulative grows by 100/s at 1005 and 1006: the rate rule fires at 1005, resolves at 1007
    # web01 falls silent after 1009: the data clock (db01 at 1020) says it has been silent 11 s
    assert changes(events) == [
        ("rise", "firing", 1005.0),
        ("rise", "resolved", 1007.0),
        ("quiet", "firing", 1020.0),
    ]
    # the wall clock says so too, for a feed gone wholly quiet
    engine.tick(1030.0)
    assert {a.series for a in engine.alerts("quiet") if a.state == "firing"} == {
        "web01.syscalls.num",
        "db01.syscalls.num",
    }


def test_the_robust_zscore_scorer_sees_spikes_not_noise():
    rng = np.random.default_rng(1)
    values = rng.normal(100, 5, 200)
    values[150] = 180
    values[151] = 160
    scores = RollingZScore(window=30).score(np.arange(200.0), values)
    assert scores.shape == (200,) and np.isnan(scores[:5]).all()
    assert scores[150] > 10 and scores[151] > 6
    assert np.nanpercentile(scores[:150], 99) < 4
    both = RollingZScore(window=30).score(np.arange(200.0), np.column_stack([values, values * 2]))
    np.testing.assert_allclose(both[:, 0], scores)
    np.testing.assert_allclose(both[:, 1], scores)


def test_score_and_anomaly_rate_rules_with_the_builtin_and_a_registered_scorer():
    rng = np.random.default_rng(7)
    values = [*list(np.round(rng.normal(100, 3, 60))), 400, 420, 390, *list(np.round(rng.normal(100, 3, 40)))]
    rules = (
        '[[rule]]\nname = "z"\ntype = "score"\nkey = "bash"\nthreshold = 8\nhistory = 30\n'
        '[[rule]]\nname = "rate"\ntype = "anomaly_rate"\nkey = "bash"\nthreshold = 0.05\nwindow = "20s"\n'
        "history = 30\nscore_threshold = 6\n"
    )
    _, events = run_engine(rules, snaps(values))
    got = changes(events)
    # z fires on the first spike point; the rate (above 5 % of the 20 points of the window) on the second;
    # z resolves when the spike is over, the rate once a spike point has left the window
    assert got == [
        ("z", "firing", 1060.0),
        ("rate", "firing", 1061.0),
        ("z", "resolved", 1063.0),
        ("rate", "resolved", 1081.0),
    ]
    transition = next(e for e in events if e.get("change") == "firing" and e["rule"] == "z")
    assert transition["value"] == 400.0 and transition["score"] > 8

    class Always:
        def __init__(self, level=1.0):
            self.level = level

        def score(self, times, values):
            return np.full(np.shape(values), self.level)

    register_scorer("always", Always)
    _, events = run_engine(
        '[[rule]]\nname = "m"\ntype = "score"\nscorer = "always"\nscorer_options = {level = 9}\n'
        'threshold = 5\nkey = "sshd"\n',
        snaps([1, 2, 3]),
    )
    assert changes(events) == [("m", "firing", 1000.0)]


def test_history_is_bounded_and_persisted_as_json_lines(tmp_path):
    path = tmp_path / "alerts.jsonl"
    history = AlertHistory(path, maxlen=5)
    engine = Engine(
        loads('[[rule]]\nname = "r"\nkey = "bash"\nthreshold = 100\n'), dry_run=True, history=history
    )
    engine.ingest(snaps([500, 10] * 5))
    history.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 10 and {e["state"] for e in lines} == {"firing", "resolved"}
    assert len(history.events()) == 5
    again = AlertHistory(path, maxlen=3)
    assert [e["ts"] for e in again.events()] == [e["ts"] for e in lines[-3:]]
    again.close()


# -- actions -----------------------------------------------------------------------------------------------------------
def test_placeholders_fill_fields_only():
    alert = {"host": "web01", "value": 512.0, "key": "$(reboot)", "score": None}
    assert (
        fill("{host}:{value}:{key}:{score}:{nope}:{host.__class__}", alert)
        == "web01:512:$(reboot)::{nope}:{host.__class__}"
    )


def test_the_command_action_writes_a_file_with_the_filled_placeholders(tmp_path):
    out = tmp_path / "alert.txt"
    script = tmp_path / "write.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w').write(' '.join(sys.argv[2:]))\nprint('done')\n")
    rules = f"""
[[rule]]
name = "spike"
key = "bash"
threshold = 100
severity = "critical"

[[rule.action]]
type = "command"
args = [{json.dumps(sys.executable)}, {json.dumps(str(script))}, {json.dumps(str(out))}, "{{rule}}", "{{host}}",
        "{{key}}", "{{value}}", "{{severity}}", "$(touch {tmp_path}/pwned)"]
"""
    reports = []
    engine = Engine(loads(rules), listeners=[])
    engine.runner = ActionRunner(lambda r: (reports.append(r), engine.action_result(r)))
    try:
        engine.ingest(snaps([10, 512, 600]))
        assert wait_until(lambda: reports)
    finally:
        engine.close()
    assert out.read_text() == f"spike web01 bash 512 critical $(touch {tmp_path}/pwned)"
    assert not (tmp_path / "pwned").exists()
    [report] = reports
    assert (
        report["status"] == "ok" and report["result"]["exit"] == 0 and report["result"]["stdout"] == "done\n"
    )
    [alert] = engine.alerts()
    assert [a["status"] for a in alert.actions] == ["submitted", "ok"]


def test_a_failing_command_is_retried_with_backoff_and_a_slow_one_times_out(tmp_path):
    reports = []
    runner = ActionRunner(reports.append)
    try:
        runner.submit(
            Action(
                "command", args=(sys.executable, "-c", "import sys; sys.exit(3)"), retries=2, backoff=0.05
            ),
            {"id": "a1"},
        )
        runner.submit(
            Action(
                "command", args=(sys.executable, "-c", "import time; time.sleep(5)"), retries=0, timeout=0.3
            ),
            {"id": "a2"},
        )
        assert wait_until(lambda: len(reports) == 4)
        assert runner.wait_idle()
    finally:
        runner.close()
    first = [r for r in reports if r["alert"] == "a1"]
    assert [(r["attempt"], r["status"]) for r in first] == [(1, "retrying"), (2, "retrying"), (3, "failed")]
    assert first[0]["result"]["exit"] == 3 and first[0]["retry_in"] == 0.05 and first[1]["retry_in"] == 0.1
    [slow] = [r for r in reports if r["alert"] == "a2"]
    assert slow["status"] == "failed" and "timed out" in slow["error"]


class _Hooks(BaseHTTPRequestHandler):
    fail_first = 1
    received: ClassVar[list[tuple[str, str | None, dict]]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers.get("X-Token"), json.loads(body)))
        if len(type(self).received) <= type(self).fail_first:
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"try again")
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"thanks")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Hooks.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Hooks
    server.shutdown()
    server.server_close()


def test_the_webhook_reaches_a_local_server_and_retries_after_a_500(http_server):
    server, hooks = http_server
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    rules = f'''
[[rule]]
name = "spike"
key = "bash"
threshold = 100

[[rule.action]]
type = "webhook"
url = "{url}"
headers = {{ X-Token = "s3cret" }}
backoff = 0.05
'''
    reports = []
    engine = Engine(loads(rules), listeners=[lambda e: e["event"] == "action" and reports.append(e)])
    engine.runner = ActionRunner(engine.action_result)
    try:
        engine.ingest(snaps([10, 512]))
        assert wait_until(lambda: any(r["status"] == "ok" for r in reports))
    finally:
        engine.close()
    assert [r["status"] for r in reports] == ["submitted", "retrying", "ok"]
    assert reports[1]["result"] == {"status": 500, "body": "try again"}
    assert reports[2]["result"] == {"status": 200, "body": "thanks"}
    assert len(hooks.received) == 2
    path, token, body = hooks.received[1]
    assert (path, token) == ("/hook", "s3cret")
    assert (body["type"], body["rule"], body["state"], body["host"], body["key"], body["value"]) == (
        "suricate.alert",
        "spike",
        "firing",
        "web01",
        "bash",
        512.0,
    )


def test_a_4xx_webhook_is_not_retried(http_server):
    server, hooks = http_server
    hooks.fail_first = 0
    reports = []
    runner = ActionRunner(reports.append)
    try:
        runner.submit(
            Action("webhook", url=f"http://127.0.0.1:{server.server_address[1]}/x", retries=3), {"id": "1"}
        )
        runner.submit(
            Action("webhook", url="http://127.0.0.1:9/closed", retries=1, backoff=0.01), {"id": "2"}
        )
        assert wait_until(lambda: len(reports) == 3)
    finally:
        runner.close()
        _Hooks.fail_first = 1
    assert [r["status"] for r in reports if r["alert"] == "1"] == ["ok"]
    assert [r["status"] for r in reports if r["alert"] == "2"] == ["retrying", "failed"]


# -- backtest ----------------------------------------------------------------------------------------------------------
SPIKY_RULES = """
[[rule]]
name = "spike"
host = "web*"
key = "bash"
threshold = 100
clear = 50
for = 2
clear_for = 2

[[rule.action]]
type = "command"
args = ["page", "{host}", "{value}"]

[[rule]]
name = "z"
type = "score"
threshold = 8
history = 20

[[rule]]
name = "quiet"
type = "silence"
threshold = 5
"""


def spiky_feed():
    rng = np.random.default_rng(3)
    out = []
    t = 2000.0
    for i in range(120):
        for host in ("web01", "web02", "db01"):
            if host == "web02" and 60 <= i < 70:
                continue  # a silence
            v = int(rng.normal(20, 2))
            if (host == "web01" and 40 <= i < 46) or (host == "db01" and 90 <= i < 93):
                v = 300
            out.append(
                Snapshot(
                    host,
                    "syscalls",
                    "num",
                    "count",
                    t + i,
                    1.0,
                    True,
                    [[["bash"], v], [["sshd"], int(rng.normal(5, 1))]],
                    i + 1,
                    host,
                )
            )
    return out


def test_backtest_on_a_recording_gives_the_same_firings_as_the_engine_fed_the_same_snapshots(tmp_path):
    feed = spiky_feed()
    rules = loads(SPIKY_RULES)
    live = []
    engine = Engine(rules, dry_run=True, listeners=[live.append])
    # the live engine gets uneven batches, as a consumer hands them over
    i = 0
    for size in [1, 7, 50, 3, 500] * 10:
        engine.ingest(feed[i : i + size])
        i += size
    with RecordingWriter(tmp_path / "rec", rotate_seconds=0.05) as writer:
        writer(feed)
    replayed = backtest(rules, iter_snapshots(tmp_path / "rec"))
    assert firings(live) == firings(replayed)
    got = {(r, s, c) for r, s, c, _ in firings(live)}
    assert ("spike", "web01.syscalls.num[bash]", "firing") in got and (
        "quiet",
        "web02.syscalls.num",
        "firing",
    ) in got
    assert ("z", "db01.syscalls.num[bash]", "firing") in got
    # the CLI says the same, and which actions would have run
    (tmp_path / "r.toml").write_text(SPIKY_RULES)
    proc = subprocess.run(
        [*CMD, "backtest", str(tmp_path / "r.toml"), str(tmp_path / "rec"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert firings(events) == firings(live)
    actions = [e for e in events if e["event"] == "action"]
    assert actions and all(e["status"] == "would_run" for e in actions)
    assert actions[0]["args"] == ["page", "web01", "300"]
    assert events[-1]["event"] == "summary" and events[-1]["firings"] == len(
        [f for f in firings(live) if f[2] == "firing"]
    )
    text = subprocess.run(
        [*CMD, "backtest", str(tmp_path / "r.toml"), str(tmp_path / "rec")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert text.returncode == 0
    assert "FIRING    spike  web01.syscalls.num[bash] value=300" in text.stdout
    assert 'would_run: command {"args": ["page", "web01", "300"]}' in text.stdout


def test_rules_check_cli(tmp_path):
    path = tmp_path / "web.toml"
    path.write_text(GOOD_AND_BAD)
    proc = subprocess.run([*CMD, "check", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert f"{path}:18: error: TOML: " in proc.stderr and f"{path}:23: error: op: " in proc.stderr
    assert "2 rules ok, 4 left out" in proc.stdout
    path.write_text(dumps(loads(GOOD_AND_BAD)))
    proc = subprocess.run([*CMD, "check", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "2 rules ok, 0 left out" in proc.stdout


def test_the_rules_command_plugs_into_the_suricate_parser():
    from suricate_desktop.cli import main as cli_main

    assert "rules" in cli_main.COMMANDS
    args = cli_main.build_parser().parse_args(["rules", "backtest", "r.toml", "rec"])
    assert (args.rules, args.recording) == ("r.toml", "rec") and callable(args.func)


def test_test_now_runs_a_rules_actions_once_for_real(tmp_path):
    out = tmp_path / "t.txt"
    rules = (
        '[[rule]]\nname = "r"\nhost = "web01"\nkey = "bash"\nthreshold = 100\n'
        f'[[rule.action]]\ntype = "command"\nargs = [{json.dumps(sys.executable)}, "-c", '
        f"\"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\", {json.dumps(str(out))}, "
        '"{rule} {host}"]\n'
    )
    reports = []
    engine = Engine(loads(rules))
    engine.runner = ActionRunner(reports.append)
    try:
        [record] = engine.test_actions("r")
        assert record["status"] == "submitted" and record["alert"].startswith("test-")
        assert wait_until(lambda: reports)
    finally:
        engine.close()
    assert reports[0]["status"] == "ok" and out.read_text() == "r web01"


# -- a trained model as a rule's scorer ---------------------------------------------------------------------------------
def trained_model(tmp_path, host="web01"):
    """A z-score model of web01's bash syscalls learnt from five quiet minutes, stored in a registry folder."""
    from suricate_desktop.analytics import DETECTORS, LiveScorer, ModelRegistry
    from suricate_desktop.store.live import LiveStore

    store = LiveStore()
    quiet = [18, 19, 20, 21, 22]
    store.ingest(snaps([quiet[i % 5] for i in range(300)], host=host, t0=0.0))
    scorer = LiveScorer(
        store, (host, "syscalls", "num"), DETECTORS["zscore"](window=240, min_periods=20), keys=[("bash",)]
    ).fit()
    registry = ModelRegistry(tmp_path / "models")
    scorer.save(registry, "bash-baseline")
    return registry


MODEL_RULES = """
[[rule]]
name = "bash-unusual"
type = "score"
scorer = "model:bash-baseline"
key = "bash"
threshold = 8
clear = 4
for = 2
clear_for = 2
"""


def test_a_registry_model_scores_series_for_a_rule_against_what_it_learnt(tmp_path):
    from suricate_desktop.rules import ModelScorer, register_models

    registry = trained_model(tmp_path)
    model = registry.load("bash-baseline")
    assert register_models({"bash-baseline": model}) == ["model:bash-baseline"]
    score = ModelScorer(model).score_last
    values = np.array([[20.0, 5.0], [60.0, 5.0]])
    s = score(None, values, stream=("web01", "syscalls", "num"), keys=["bash", "sshd"])
    assert s[0] > 8 and np.isnan(s[1])  # a key the model has no detector for: unknown, not "normal"
    assert np.isnan(score(None, values, stream=("db01", "syscalls", "num"), keys=["bash", "sshd"])[0])
    assert (
        ModelScorer(model, any_stream=True).score_last(
            None, values, stream=("db01", "syscalls", "num"), keys=["bash"]
        )[0]
        == s[0]
    )
    # a spike fires after `for`; between clear and threshold it keeps firing; it resolves with hysteresis
    mid = next(
        v
        for v in range(21, 60)
        if 4 < score(None, np.array([[v]]), ("web01", "syscalls", "num"), ["bash"])[0] < 8
    )
    feed = snaps([20] * 10 + [60] * 4 + [mid] * 3 + [20] * 3) + snaps([60] * 20, host="db01")
    feed.sort(key=lambda s: s.ts)
    _engine, events = run_engine(MODEL_RULES, feed)
    assert changes(events) == [("bash-unusual", "firing", 1012.0), ("bash-unusual", "resolved", 1019.0)]
    fired = next(e for e in events if e.get("change") == "firing")
    assert fired["series"] == "web01.syscalls.num[bash]" and fired["score"] > 8 and fired["value"] == 60
    # the model does not learn from what it scores: a backtest of the same data agrees
    assert firings(backtest(loads(MODEL_RULES), feed)) == firings(events)


def wave_model(tmp_path, seed):
    """4,000 seconds of a slow wave (period 400 s, amplitude 15 noise scales) and a default-detector model of
    its first 2,000, saved and loaded back as ``bash-default``."""
    from suricate_desktop.analytics import DETECTORS, LiveScorer, ModelRegistry
    from suricate_desktop.store.live import LiveStore

    rng = np.random.default_rng(seed)
    wave = [100 + 30 * np.sin(2 * np.pi * i / 400) + rng.normal(0, 2) for i in range(4000)]
    store = LiveStore(capacity=5000)
    store.ingest(snaps(wave[:2000], t0=0.0))
    LiveScorer(store, ("web01", "syscalls", "num"), DETECTORS["calibrated"](), keys=[("bash",)]).fit().save(
        ModelRegistry(tmp_path / "models"), "bash-default"
    )
    return wave, ModelRegistry(tmp_path / "models").load("bash-default")


def test_a_default_model_goes_on_with_its_key_for_a_rule_instead_of_standing_where_it_was_saved(tmp_path):
    """The default detector's state follows its key (level, last value). Frozen at the save, a rule over it
    judged every later value against where the key stood then: on a key with a slow rhythm it was in
    alert about half the time. A copy that goes on from the saved model stays quiet on ordinary rows, fires once at a
    spike, learns a lasting shift instead of firing until the model is saved again, and a backtest of the
    same rows agrees; the saved model itself learns nothing."""
    from suricate_desktop.rules import register_models

    wave, model = wave_model(tmp_path, 7)
    saved = model.detectors[0].get_state()
    rules = (
        MODEL_RULES.replace("bash-baseline", "bash-default")
        .replace("threshold = 8", "threshold = 5")  # rarer than 1 in 100,000 of the key's own
        .replace("clear = 4", "clear = 1")
        .replace("for = 2", "for = 0")
        .replace("clear_for = 2", "clear_for = 5")
    )
    feed = wave[2000:]
    feed[700] += 60  # a spike: 30 noise scales
    for i in range(1200, 2000):
        feed[i] += 50  # a lasting shift
    register_models({"bash-default": model})
    _engine, events = run_engine(rules, snaps(feed, t0=2000.0))
    fired = [ts for _rule, change, ts in changes(events) if change == "firing"]
    assert 2700.0 in fired and all(3200.0 <= ts <= 3260.0 for ts in fired if ts != 2700.0)
    assert len(fired) <= 2
    assert firings(backtest(loads(rules), snaps(feed, t0=2000.0))) == firings(events)
    # started a while after the save (another phase of the rhythm): the jump is not an alarm that keeps
    # the key's next spike quiet
    later = wave[2150:2400]
    later[90] += 60
    _engine, events = run_engine(rules, snaps(later, t0=2150.0))
    assert 2240.0 in [ts for _rule, change, ts in changes(events) if change == "firing"]
    meta, arrays = model.detectors[0].get_state()
    assert meta == saved[0] and all(np.array_equal(arrays[k], saved[1][k]) for k in arrays)


def test_an_anomaly_rate_rule_over_a_default_model_counts_each_row_once_as_it_came(tmp_path):
    """An ``anomaly_rate`` rule scores the whole ``window`` at every evaluation. Its rows are scored once
    each, by the series' running copy: the ordinary rows of a slow wave are not counted (the frozen model
    counted most of them, and the rule fired at once and for good), and the newest row's score is the
    one a ``score`` rule sees."""
    from suricate_desktop.rules import ModelScorer, register_models

    wave, model = wave_model(tmp_path, 9)
    feed = wave[2000:3200]
    rules = (
        '[[rule]]\nname = "often"\ntype = "anomaly_rate"\nscorer = "model:bash-default"\nkey = "bash"\n'
        'threshold = 0.1\nclear = 0.02\nwindow = "60s"\nscore_threshold = 3\nfor = 0\n'
    )
    register_models({"bash-default": model})
    _engine, events = run_engine(rules, snaps(feed, t0=2000.0))
    assert changes(events) == []
    scorer, t, v = ModelScorer(model), 2000.0 + np.arange(200), np.array(feed[:200])[:, None]
    where = {"stream": ("web01", "syscalls", "num"), "keys": ["bash"]}
    rows = scorer.score(t[:100], v[:100], **where)[:, 0]
    assert np.mean(rows >= 3) < 0.05
    assert (
        scorer.score_last(t[:101], v[:101], **where)[0] == scorer.score(t[40:101], v[40:101], **where)[-1, 0]
    )
    assert np.array_equal(scorer.score(t[:100], v[:100], **where)[40:, 0], rows[40:])  # nothing scored twice


def test_a_model_of_shapes_scores_the_rules_history_as_a_run(tmp_path):
    """``resonance`` scores shapes, made of runs of points: a rule over it sees its spike once it is in the run."""
    from suricate_desktop.analytics import DETECTORS, LiveScorer, ModelRegistry
    from suricate_desktop.rules import register_models
    from suricate_desktop.store.live import LiveStore

    cycle = [20 + round(4 * np.sin(2 * np.pi * i / 30)) for i in range(1200)]
    store = LiveStore()
    store.ingest(snaps(cycle[:900], t0=0.0))
    LiveScorer(store, ("web01", "syscalls", "num"), DETECTORS["resonance"](), keys=[("bash",)]).fit().save(
        ModelRegistry(tmp_path / "models"), "bash-shapes"
    )
    model = ModelRegistry(tmp_path / "models").load("bash-shapes")
    rules = (
        MODEL_RULES.replace("bash-baseline", "bash-shapes")
        .replace("threshold = 8", "threshold = 0.33")
        .replace("clear = 4", "clear = 0.1")
        .replace("for = 2", "for = 1")
    )
    values = cycle[900:1100]
    values[150] = 90
    register_models({"bash-shapes": model})
    _engine, events = run_engine(rules, snaps(values, t0=900.0))
    fired = [ts for _rule, change, ts in changes(events) if change == "firing"]
    assert len(fired) == 1 and 1050.0 <= fired[0] <= 1050.0 + model.detectors[0].step_points
    firing = next(e for e in events if e.get("change") == "firing")
    assert firing["reason"] == "a shape not met before"  # the alert says what the model saw


def test_rules_check_and_backtest_take_a_models_folder(tmp_path):
    trained_model(tmp_path)
    (tmp_path / "r.toml").write_text(MODEL_RULES)
    proc = subprocess.run([*CMD, "check", str(tmp_path / "r.toml")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "scorer: unknown scorer 'model:bash-baseline'" in proc.stderr
    proc = subprocess.run(
        [*CMD, "check", str(tmp_path / "r.toml"), "--models", str(tmp_path / "models")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    with RecordingWriter(tmp_path / "rec") as writer:
        writer(snaps([20] * 10 + [60] * 4 + [20] * 4))
    proc = subprocess.run(
        [
            *CMD,
            "backtest",
            str(tmp_path / "r.toml"),
            str(tmp_path / "rec"),
            "--json",
            "--models",
            str(tmp_path / "models"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(c, ts) for _r, _s, c, ts in firings(events)] == [("firing", 1012.0), ("resolved", 1016.0)]
    proc = subprocess.run(
        [*CMD, "check", str(tmp_path / "r.toml"), "--models", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "no model registry at" in proc.stderr


# -- alert state across restarts ---------------------------------------------------------------------------------------
def test_alert_states_acknowledged_and_silenced_survive_export_and_restore(tmp_path):
    text = SPIKY_RULES
    feed = snaps([10] * 3 + [400] * 4, host="web01") + snaps([10] * 3 + [400] * 4, host="web02")
    feed.sort(key=lambda s: s.ts)
    engine, _ = run_engine(text, feed)
    assert (
        engine.acknowledge("spike", stream=("web01", "syscalls", "num"), key="bash", comment="bob is on it")
        == 1
    )
    engine.silence("spike", until=None, stream=("web02", "syscalls", "num"), key="bash")
    engine.silence("z", until=5000.0)
    doc = json.loads(json.dumps(engine.export_state()))  # what a file gives back
    again = Engine(loads(text), dry_run=True)
    assert again.restore_state(doc) == len(engine.alerts())
    before = {
        (a.rule, a.stream, a.key): (a.state, a.phase, a.id, a.ack_comment, a.fired_at)
        for a in engine.alerts()
    }
    after = {
        (a.rule, a.stream, a.key): (a.state, a.phase, a.id, a.ack_comment, a.fired_at) for a in again.alerts()
    }
    assert after == before
    assert before[("spike", ("web01", "syscalls", "num"), "bash")][:4] == (
        "acknowledged",
        "firing",
        before[("spike", ("web01", "syscalls", "num"), "bash")][2],
        "bob is on it",
    )
    assert before[("spike", ("web02", "syscalls", "num"), "bash")][0] == "silenced"
    # the restored engine goes on from there: the silenced one resolves (and its silence ends with it)
    events = []
    again.listeners.append(events.append)
    for s in sorted(
        snaps([10] * 4, host="web01", t0=1007.0) + snaps([10] * 4, host="web02", t0=1007.0),
        key=lambda s: s.ts,
    ):
        again.ingest([s])
    assert sorted((e["series"], e["change"]) for e in events if e.get("change")) == [
        ("web01.syscalls.num[bash]", "resolved"),
        ("web02.syscalls.num[bash]", "resolved"),
    ]
    # rules that are gone take their alerts with them; a file of another version restores nothing
    assert Engine(loads('[[rule]]\nname = "other"\nthreshold = 1\n')).restore_state(doc) == 0
    assert again.restore_state({**doc, "v": 99}) == 0


# -- editing the file in place -----------------------------------------------------------------------------------------
def test_editing_one_rule_keeps_every_other_line_of_the_file():
    from suricate_desktop.rules import edit

    text = GOOD_AND_BAD
    assert [s.name for s in edit.spans(text)] == [
        "spike",
        "broken-toml",
        "bad-op",
        "quiet",
        "bad-placeholder",
        "bad-webhook",
    ]
    assert edit.rule_text(text, "quiet") == '[[rule]]\nname = "quiet"\ntype = "silence"\nthreshold = "5s"\n'
    changed = edit.replace_rule(
        text, "quiet", '[[rule]]\nname = "quiet"\ntype = "silence"\nthreshold = "9s"\n'
    )
    assert changed == text.replace('threshold = "5s"', 'threshold = "9s"')
    off = edit.set_enabled(text, "spike", False)
    assert off == text.replace('name = "spike"\n', 'name = "spike"\nenabled = false\n')
    assert edit.set_enabled(off, "spike", True) == text.replace(
        'name = "spike"\n', 'name = "spike"\nenabled = true\n'
    )
    assert [r.name for r in loads(off) if r.enabled] == ["quiet"]
    gone = edit.remove_rule(text, "bad-op")
    assert gone == text.replace('[[rule]]\nname = "bad-op"\nthreshold = 4\nop = "!="\n\n', "")
    check = edit.check_rule(text, '[[rule]]\nname = "new"\nkey = "bash"\nthreshold = 3\n')
    assert check.problems == [] and check.ruleset.get("new").severity == "critical"  # the file's [defaults]
    check = edit.check_rule(
        text, '# about it\n[[rule]]\nname = "spike"\nthreshold = "x"\n', replacing="spike"
    )
    assert [(p.line, p.message) for p in check.problems] == [(4, "threshold: expected a number, got 'x'")]
    check = edit.check_rule(
        text, '[[rule]]\nname = "a"\nthreshold = 1\n[[rule]]\nname = "b"\nthreshold = 1\n'
    )
    assert [(p.line, p.message) for p in check.problems] == [
        (4, "one rule at a time: a second [[rule]] table")
    ]


def test_the_documented_guards_keep_hostile_keys_as_data(tmp_path):
    """docs/rules.md: a key after ``--`` is never an option, and a key passed to ``sh -c`` as ``$1`` never runs."""
    out = tmp_path / "out.txt"
    keys = ["--help", "-rf", f"x; touch {tmp_path}/pwned", f"$(touch {tmp_path}/pwned2)", "`id`", "a\nb"]
    rules = f"""
[[rule]]
name = "spike"
threshold = 100
rate_limit = 0

[[rule.action]]
type = "command"
args = ["sh", "-c", 'printf "%s|" "$1" >> "$2"', "sh", "{{key}}", {json.dumps(str(out))}]

[[rule.action]]
type = "command"
args = [{json.dumps(sys.executable)}, "-c", "import sys; print(sys.argv[1:])", "--", "{{key}}"]
"""
    reports = []
    engine = Engine(loads(rules), listeners=[])
    engine.runner = ActionRunner(lambda r: (reports.append(r), engine.action_result(r)))
    try:
        for i, key in enumerate(keys):
            engine.ingest(snaps([512], key=key, t0=1000.0 + i))
        assert wait_until(lambda: len([r for r in reports if r.get("status") == "ok"]) == 2 * len(keys)), (
            reports
        )
    finally:
        engine.close()
    assert sorted(out.read_text().split("|")[:-1]) == sorted(keys)
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()
    printed = sorted(r["result"]["stdout"] for r in reports if r["result"]["args"][0] == sys.executable)
    assert printed == sorted(f"{['--', key]!r}\n" for key in keys)


def test_the_last_value_of_a_rule_is_the_firing_series_not_the_one_updated_last():
    """Issue 15: the rules panel's "Last value" showed sshd's 3 while bash was the series firing."""
    rules = '[[rule]]\nname = "r"\nkey = "*"\nthreshold = 100\nfor = 2\n'
    # web01's bash fires; then web02's bash breaches once (pending) and calms down while web02 goes on
    # reporting: that ok series is the one updated last
    engine, _ = run_engine(
        rules, [*snaps([500, 520, 540, 560]), *snaps([300, 3, 4], host="web02", t0=1004.0)]
    )
    [firing] = [a for a in engine.alerts("r") if a.state == "firing"]
    assert max(engine.alerts("r"), key=lambda a: a.updated).stream[0] == "web02"
    state = engine.states()["r"]
    assert state["state"] == "firing"
    assert (state["last_value"], state["last_series"]) == (firing.value, "web01.syscalls.num[bash]")
    assert firing.value == 560


def test_a_rule_reports_every_bad_field_at_once_each_at_its_line():
    text = (
        '[[rule]]\nname = "r"\nseverity = "urgent"\nthreshold = "lots"\nfro = "5s"\ncooldown = -1\n'
        '[[rule.action]]\ntype = "webhook"\nurl = "ftp://x"\n'
    )
    rs = loads(text, "r.toml")
    assert not rs.rules
    assert [(p.line, p.message.split(":")[0].split(" ")[0]) for p in rs.problems] == [
        (5, "unknown"),
        (3, "severity"),
        (4, "threshold"),
        (6, "cooldown"),
        (9, "action"),
    ]
    with pytest.raises(RuleError) as raised:
        parse_rule({"name": "r", "threshold": "x", "op": "~"})
    assert [e.field for e in raised.value.errors] == ["op", "threshold"]
