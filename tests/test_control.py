"""Signed remote control of an agent: the protocol, the agent's handler, the CLI, against the real broker."""

import logging
import os
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

from suricate_desktop.agent.control_handler import AgentControlHandler
from suricate_desktop.lang import ScriptError
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.control import (
    CONTROL_EXCHANGE,
    REPLY_PREFIX,
    SECRET_ENV,
    ControlClient,
    ControlError,
    ControlNoAgent,
    ControlRefused,
    ControlServer,
    ControlTimeout,
    NonceCache,
    SecretError,
    canonical,
    encode_message,
    load_secret,
    make_request,
    parse_message,
    sign,
    verify,
    verify_reply,
)
from suricate_desktop.transport.nonce_journal import NonceJournal
from suricate_desktop.transport.publisher import Publisher

ROOT = Path(__file__).resolve().parents[1]
SECRET = b"0123456789abcdef0123456789abcdef"
BAD_BPFTRACE = 'BEGIN {\n  printf("hi\\n");\n  @x = count(1);\n}\n'
BAD_D = "syscall::read:entry\n{\n  @s[execname] = stddev(arg2);\n}\n"


class Collector:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def __call__(self, batch):
        with self.lock:
            self.items.extend(batch)

    def runs(self):
        with self.lock:
            return {s.run for s in self.items}


class CountingHandler:
    """The real handler, counting what reached it."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = []

    def __call__(self, op, args, emit):
        self.calls.append(op)
        return self.inner(op, args, emit)


# --------------------------------------------------------------------------------------------------
# The protocol, without a broker


def test_canonical_form_is_sorted_compact_json_without_sig():
    msg = {
        "v": 1,
        "op": "run",
        "host": "h",
        "ts": 1700000000.5,
        "nonce": "ab" * 8,
        "args": {"z": 1, "a": "é", "m": [1.5, None, True]},
        "sig": "00",
    }
    assert canonical(msg) == (
        b'{"args":{"a":"\\u00e9","m":[1.5,null,true],"z":1},"host":"h",'
        b'"nonce":"abababababababab","op":"run","ts":1700000000.5,"v":1}'
    )
    signed = sign(SECRET, msg)
    import hashlib
    import hmac

    assert signed["sig"] == hmac.new(SECRET, canonical(msg), hashlib.sha256).hexdigest()


def test_the_documented_test_vector():
    """docs/control-protocol.md gives this example, for implementers in other languages."""
    from suricate_desktop.transport.control import signature

    msg = {
        "v": 1,
        "op": "status",
        "host": "web01",
        "ts": 1700000000,
        "nonce": "00112233445566778899aabbccddeeff",
        "args": {},
    }
    assert canonical(msg) == (
        b'{"args":{},"host":"web01","nonce":"00112233445566778899aabbccddeeff",'
        b'"op":"status","ts":1700000000,"v":1}'
    )
    sig = signature(b"0123456789abcdef0123456789abcdef", msg)
    assert sig == "653ad04b8821a466409bc70e524668d758a3a9906d80de399b70564c5da4396e"
    assert sig in (ROOT / "docs" / "control-protocol.md").read_text()


def test_verify_accepts_a_fresh_signed_request_once_and_names_every_refusal():
    now = time.time()
    nonces = NonceCache()
    req = make_request(SECRET, "web01", "status", ts=now)
    assert verify(SECRET, req, now, nonces, host="web01") is None
    assert verify(SECRET, req, now + 1, nonces, host="web01") == "replayed nonce"
    # from the wire, too
    assert verify(SECRET, encode_message(make_request(SECRET, "web01", "status")), now, nonces) is None

    unsigned = dict(make_request(SECRET, "web01", "status", ts=now))
    del unsigned["sig"]
    assert verify(SECRET, unsigned, now, nonces) == "unsigned"
    assert (
        verify(b"another secret, just as long....", make_request(SECRET, "web01", "status"), now, nonces)
        == "bad signature"
    )
    tampered = make_request(SECRET, "web01", "run", {"script": "a"}, ts=now)
    tampered["args"]["script"] = "b"
    assert verify(SECRET, tampered, now, nonces) == "bad signature"
    assert verify(SECRET, make_request(SECRET, "web01", "status", ts=now - 120), now, nonces).startswith(
        "stale timestamp: 120 s old"
    )
    assert verify(SECRET, make_request(SECRET, "web01", "status", ts=now + 45), now, nonces).startswith(
        "stale timestamp: 45 s ahead"
    )
    assert verify(
        SECRET, make_request(SECRET, "web02", "status", ts=now), now, nonces, host="web01"
    ).startswith("wrong host")
    assert (
        verify(SECRET, make_request(SECRET, "web01", "reboot", ts=now), now, nonces) == "unknown op 'reboot'"
    )
    assert verify(SECRET, b"{not json", now, nonces).startswith("malformed: not JSON")
    assert verify(SECRET, b"[1]", now, nonces) == "malformed: not a JSON object"
    no_args = sign(SECRET, {"v": 1, "op": "status", "host": "web01", "ts": now, "nonce": "cd" * 8})
    assert verify(SECRET, no_args, now, nonces) == "malformed: missing field 'args'"
    assert verify(SECRET, {**req, "sig": "xyz"}, now, nonces).startswith("malformed: sig")


def test_the_nonce_cache_expires_after_its_ttl_and_stays_bounded():
    cache = NonceCache(ttl=60, max_entries=3)
    assert cache.add("a", 1000, 1000) is None
    assert cache.add("a", 1000, 1059) == "replayed nonce"
    assert cache.add("a", 1061, 1061) is None  # expired (a copy of the first is stale by now anyway)
    for n, ts in (("b", 1062), ("c", 1063), ("d", 1064)):
        assert cache.add(n, ts, ts) is None
    assert len(cache) == 3 and "a" not in cache
    # "a" was evicted while still live: its timestamp is now a floor, so it cannot come back
    assert cache.add("a", 1061, 1065).startswith("stale timestamp")


def test_agent_replies_are_bound_to_the_request_nonce():
    reply = sign(SECRET, {"v": 1, "host": "web01", "ts": 1.0, "nonce": "ef" * 8, "re": "ab" * 8, "ok": True})
    assert verify_reply(SECRET, reply, "web01", "ab" * 8) is None
    assert verify_reply(SECRET, reply, "web01", "cd" * 8) == "answers another request"
    assert verify_reply(SECRET, reply, "web02", "ab" * 8).startswith("from host")
    assert verify_reply(b"x" * 32, reply, "web01", "ab" * 8) == "bad signature"


# --------------------------------------------------------------------------------------------------
# The secret


def test_the_secret_file_must_be_private(tmp_path):
    f = tmp_path / "secret"
    f.write_text(SECRET.decode() + "\n")
    f.chmod(0o644)
    with pytest.raises(SecretError, match=r"accessible by group or others \(mode 0644\).*chmod 600"):
        load_secret(f, environ={})
    f.chmod(0o640)
    with pytest.raises(SecretError, match="chmod 600"):
        load_secret(f, environ={})
    f.chmod(0o600)
    assert load_secret(f, environ={}) == SECRET
    short = tmp_path / "short"
    short.write_text("tiny")
    short.chmod(0o600)
    with pytest.raises(SecretError, match="too short"):
        load_secret(short, environ={})
    with pytest.raises(SecretError, match="cannot read"):
        load_secret(tmp_path / "missing", environ={})
    assert load_secret(None, environ={SECRET_ENV: SECRET.decode()}) == SECRET
    with pytest.raises(SecretError, match=f"--secret-file FILE or set {SECRET_ENV}"):
        load_secret(None, environ={})


# --------------------------------------------------------------------------------------------------
# Against the broker: an in-process agent


@pytest.fixture
def agent(broker_url, exchange):
    """An agent host listening for control requests, publishing runs to the test's exchange."""
    host = f"ctl{uuid.uuid4().hex[:8]}"
    publisher = Publisher(broker_url, exchange).start()
    handler = CountingHandler(AgentControlHandler(lambda: publisher, host))
    server = ControlServer(broker_url, host, SECRET, handler).start()
    assert server.wait_ready()
    client = ControlClient(broker_url, host, SECRET, timeout=60)
    yield host, server, handler, client
    client.close()
    handler.inner.stop_all(timeout=10)
    server.stop()
    publisher.close()


@pytest.mark.broker
@pytest.mark.root
@pytest.mark.timeout(120)
def test_signed_compile_of_a_broken_bpftrace_script_returns_the_error_at_its_line(agent, bpftrace_ready):
    _host, _server, handler, client = agent
    diags = client.compile(BAD_BPFTRACE, backend="bpftrace")
    assert diags, "a broken script must give diagnostics"
    d = diags[0]
    assert (d["line"], d["column"], d["severity"]) == (3, 8, "error")
    assert "count() requires no arguments" in d["message"]
    # and a good one compiles: empty list, through the future interface
    future = client.compile_async("BEGIN { @x = count(); exit(); }\n", lang="bpftrace", backend="auto")
    assert future.result(60) == []
    assert handler.calls == ["compile", "compile"]


@pytest.mark.broker
@pytest.mark.root
@pytest.mark.timeout(120)
def test_signed_compile_of_a_broken_d_script_for_bpftrace_returns_the_error_at_its_d_line(
    agent, bpftrace_ready
):
    _host, _server, _handler, client = agent
    diags = client.compile(BAD_D, lang="d", backend="bpftrace")
    assert [(d["line"], d["column"], d["severity"]) for d in diags] == [(3, 18, "error")]
    assert "stddev()" in diags[0]["message"]
    # a D script that translates is compiled by the real bpftrace: no diagnostics
    assert (
        client.compile("syscall::read:entry\n{\n  @n[execname] = count();\n}\n", lang="d", backend="bpftrace")
        == []
    )
    # a run of the broken script fails with the same error, and nothing runs
    with pytest.raises(ScriptError) as info:
        client.run(BAD_D, lang="d", backend="bpftrace")
    assert (info.value.first.line, info.value.first.column) == (3, 18)
    assert client.status()["runs"] == []


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_signed_run_publishes_snapshots_to_the_data_exchange_and_stop_ends_it(agent, broker_url, exchange):
    host, _server, _handler, client = agent
    got = Collector()
    consumer = Consumer(got, broker_url, exchange, bindings=[f"{host}.#"]).start()
    assert consumer.wait_ready()
    ended = []
    try:
        run_id = client.run("", backend="sampler", interval=0.2, source="remote", on_end=ended.append)
        assert isinstance(run_id, str) and run_id
        assert wait_until(lambda: len(got.items) >= 10), "no snapshots arrived on the data exchange"
        assert got.runs() == {run_id}
        assert {s.host for s in got.items} == {host} and {s.source for s in got.items} == {"remote"}
        status = client.status()
        [run] = status["runs"]
        assert (run["run"], run["backend"], run["source"]) == (run_id, "sampler", "remote")
        assert run["snapshots"] > 0 and run["started"] > 0
        stopped = client.stop(run_id)
        assert stopped["run"] == run_id and stopped["stopped"] is True
        assert client.status()["runs"] == []
        assert wait_until(lambda: ended), "no end event"
        assert ended[0]["run"] == run_id and ended[0]["error"] is None
        # it has stopped: nothing new arrives (after what was in flight)
        assert wait_until(lambda: len(got.items) == stopped["snapshots"])
        time.sleep(0.6)
        assert len(got.items) == stopped["snapshots"]
        with pytest.raises(ControlError, match="no run 'nosuchrun'"):
            client.stop("nosuchrun")
    finally:
        consumer.stop()


@pytest.mark.broker
@pytest.mark.root
@pytest.mark.timeout(120)
def test_a_run_sends_its_output_to_the_desk(agent, bpftrace_ready):
    _host, _server, _handler, client = agent
    output = []
    run_id = client.run(
        'BEGIN { printf("hello from %s\\n", "bpftrace"); }\ninterval:ms:50 { @n = count(); }\n',
        lang="bpftrace",
        backend="bpftrace",
        interval=0.2,
        on_output=output.append,
    )
    assert wait_until(lambda: "hello from bpftrace\n" in "".join(output))
    assert client.stop(run_id)["stopped"]


def _raw_request(broker_url, host, bodies, timeout=15.0):
    """Publish raw bodies to the agent's control queue; collect the replies, in the requests' order."""
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    ch = conn.channel()
    reply_queue = REPLY_PREFIX + uuid.uuid4().hex
    ch.queue_declare(reply_queue, exclusive=True, auto_delete=True)
    replies = []
    for i, body in enumerate(bodies):
        ch.basic_publish(
            CONTROL_EXCHANGE,
            host,
            body,
            pika.BasicProperties(reply_to=reply_queue, correlation_id=f"c{i}"),
            mandatory=True,
        )
    deadline = time.monotonic() + timeout
    while len(replies) < len(bodies) and time.monotonic() < deadline:
        method, props, body = ch.basic_get(reply_queue, auto_ack=True)
        if method is None:
            conn.process_data_events(0.05)
            continue
        replies.append((props.correlation_id, parse_message(body)))
    conn.close()
    # A refusal is answered at once, an accepted request once its handler is done: order by request.
    return sorted(replies, key=lambda r: int(r[0][1:]))


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_unsigned_wrong_secret_stale_and_replayed_requests_are_refused_logged_and_run_nothing(
    agent, broker_url, exchange, caplog
):
    host, server, handler, client = agent
    got = Collector()
    consumer = Consumer(got, broker_url, exchange, bindings=[f"{host}.#"]).start()
    assert consumer.wait_ready()
    caplog.set_level(logging.WARNING)
    run_args = {"script": "", "backend": "sampler", "interval": 0.2}
    unsigned = make_request(SECRET, host, "run", run_args)
    del unsigned["sig"]
    wrong = make_request(b"not-the-shared-secret-at-all!!!!", host, "run", run_args)
    stale = make_request(SECRET, host, "run", run_args, ts=time.time() - 120)
    unknown = make_request(SECRET, host, "reboot", {})
    try:
        replies = _raw_request(
            broker_url,
            host,
            [encode_message(m) for m in (unsigned, wrong, stale, unknown)] + [b"\x00 not json"],
        )
        assert [c for c, _ in replies] == ["c0", "c1", "c2", "c3", "c4"]
        errors = [r["error"] for _, r in replies]
        assert all(r["ok"] is False for _, r in replies)
        assert errors[0] == "refused: unsigned"
        assert errors[1] == "refused: bad signature"
        assert errors[2].startswith("refused: stale timestamp: 120 s old")
        assert errors[3] == "refused: unknown op 'reboot'"
        assert errors[4].startswith("refused: malformed: not JSON")
        # the refusals are the agent's, signed
        assert verify_reply(SECRET, replies[1][1], host, wrong["nonce"]) is None

        # replayed: the first copy runs, the second is refused
        good = encode_message(make_request(SECRET, host, "run", run_args))
        replies = _raw_request(broker_url, host, [good, good])
        assert replies[0][1]["ok"] is True
        run_id = replies[0][1]["result"]["run"]
        assert replies[1][1] == {**replies[1][1], "ok": False, "error": "refused: replayed nonce"}
        assert [r["run"] for r in client.status()["runs"]] == [run_id]
        assert handler.calls == ["run", "status"]
        assert server.refused == 6 and server.accepted == 2
        assert wait_until(lambda: len(got.items) >= 5)
        client.stop(run_id)
        assert got.runs() == {run_id}  # nothing else ran

        refusals = [
            r.getMessage()
            for r in caplog.records
            if r.levelno == logging.WARNING and "refused" in r.getMessage()
        ]
        for reason in (
            "unsigned",
            "bad signature",
            "stale timestamp: 120 s old",
            "unknown op 'reboot'",
            "malformed: not JSON",
            "replayed nonce",
        ):
            assert any(reason in m for m in refusals), (reason, refusals)
    finally:
        consumer.stop()


@pytest.mark.broker
@pytest.mark.timeout(60)
def test_the_client_says_refused_timeout_and_no_agent_clearly(agent, broker_url):
    host, _server, _handler, _client = agent
    with ControlClient(broker_url, host, b"a-different-secret-of-32-bytes!!") as other:
        with pytest.raises(ControlRefused) as info:
            other.status(timeout=10)
        assert info.value.reason == "bad signature"
        assert "do not share the same secret" in str(info.value)
    with (
        ControlClient(broker_url, f"nobody{uuid.uuid4().hex[:6]}", SECRET) as nobody,
        pytest.raises(ControlNoAgent, match="no agent is listening on host nobody"),
    ):
        nobody.status(timeout=10)

    # an agent that does not answer in time
    slow_host = f"slow{uuid.uuid4().hex[:6]}"
    release = threading.Event()
    slow = ControlServer(
        broker_url, slow_host, SECRET, lambda op, args, emit: release.wait(30) and {}
    ).start()
    assert slow.wait_ready()
    try:
        with ControlClient(broker_url, slow_host, SECRET) as c:
            with pytest.raises(ControlTimeout, match=f"no agent answered on host {slow_host} within 1s"):
                c.status(timeout=1)
            future = c.status_async(timeout=1)
            with pytest.raises(ControlTimeout):
                future.result(10)
    finally:
        release.set()
        slow.stop()


# --------------------------------------------------------------------------------------------------
# End to end: `suricate agent --control` as its own process


def _agent_process(tmp_path, broker_url, exchange, host, secret_mode=0o600, extra=()):
    secret_file = tmp_path / "control.secret"
    secret_file.write_bytes(SECRET + b"\n")
    secret_file.chmod(secret_mode)
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")  # the agent's nonce file, not in the user's home
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "agent",
            "--control",
            "--secret-file",
            str(secret_file),
            "--host",
            host,
            "--broker",
            broker_url,
            "--exchange",
            exchange,
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_agent_control_process_end_to_end(tmp_path, broker_url, exchange):
    host = f"e2e{uuid.uuid4().hex[:8]}"
    got = Collector()
    consumer = Consumer(got, broker_url, exchange, bindings=[f"{host}.#"]).start()
    assert consumer.wait_ready()
    proc = _agent_process(tmp_path, broker_url, exchange, host)
    try:
        with ControlClient(broker_url, host, SECRET, timeout=30) as client:

            def up():
                try:
                    return client.status(timeout=5)
                except ControlNoAgent:
                    assert proc.poll() is None, proc.communicate()[1]
                    return None

            assert wait_until(up, 60), "the agent never listened"
            assert client.status()["runs"] == []
            run_id = client.run("", backend="sampler", interval=0.2, source="e2e")
            assert wait_until(lambda: len(got.items) >= 10)
            assert got.runs() == {run_id}
            assert [r["run"] for r in client.status()["runs"]] == [run_id]
            # a request with the wrong secret is refused, and the agent says why on stderr
            with (
                ControlClient(broker_url, host, b"a-different-secret-of-32-bytes!!") as other,
                pytest.raises(ControlRefused),
            ):
                other.stop(run_id, timeout=10)
            assert [r["run"] for r in client.status()["runs"]] == [run_id]
        # SIGTERM with the run still going: it stops, flushes, exits 0
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "refused 'stop' request" in err and "bad signature" in err
        assert "accepted run request" in err  # the audit trail shows by default
        assert "Traceback" not in err
        n = len(got.items)
        time.sleep(0.5)
        assert len(got.items) == n and n >= 10
    finally:
        consumer.stop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.broker
@pytest.mark.timeout(60)
def test_agent_control_refuses_a_secret_file_others_can_read(tmp_path, broker_url, exchange):
    proc = _agent_process(tmp_path, broker_url, exchange, "permcheck", secret_mode=0o644)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "accessible by group or others (mode 0644)" in err and "chmod 600" in err

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "agent",
            "--control",
            "--host",
            "x",
            "--broker",
            broker_url,
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != SECRET_ENV},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "no control secret" in result.stderr


# --------------------------------------------------------------------------------------------------
# Replay across an agent restart


def test_the_nonce_file_keeps_accepted_nonces_across_a_restart_until_they_are_stale(tmp_path):
    path = tmp_path / "nonces"
    now = 1_800_000_000.0
    first = NonceCache(ttl=60, journal=NonceJournal(path), now=now)
    # the desk's clock 25 s ahead of the agent's: within the allowed skew, and after the restart below
    assert first.add("ab" * 8, now + 25, now) is None
    assert first.add("cd" * 8, now + 1, now + 1) is None
    first.close()
    restarted = NonceCache(ttl=60, journal=NonceJournal(path), now=now + 5)
    assert restarted.add("ab" * 8, now + 25, now + 5) == "replayed nonce"
    assert restarted.add("cd" * 8, now + 1, now + 6) == "replayed nonce"
    assert restarted.add("ef" * 8, now + 6, now + 6) is None
    restarted.close()
    # once the window has passed the entries are dropped from the file (a copy is stale by then anyway)
    later = NonceCache(ttl=60, journal=NonceJournal(path), now=now + 65)
    assert len(later) == 1 and "ef" * 8 in later
    later.close()
    assert len(path.read_text().splitlines()) == 1


def test_a_damaged_nonce_file_is_read_as_far_as_it_goes_and_an_unwritable_one_refuses(tmp_path):
    path = tmp_path / "nonces"
    now = 1_800_000_000.0
    path.write_text(
        f"{'ab' * 8} {now + 30!r} {now!r}\nnot a line\n{'cd' * 8} nan 1\nfloor {now - 10!r}\n"
        f"\x00\xff garbage {'ef' * 8}"
    )
    cache = NonceCache(ttl=60, journal=NonceJournal(path), now=now)
    assert len(cache) == 1 and cache.floor == now - 10
    assert cache.add("ab" * 8, now, now) == "replayed nonce"
    assert cache.add("12" * 8, now - 20, now).startswith("stale timestamp")  # below the floor kept on disk
    cache.close()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with pytest.raises(OSError):  # no folder can be made there, whoever runs it: the server must not start
        NonceCache(ttl=60, journal=NonceJournal(blocked / "nonces"), now=now)


def test_without_a_nonce_file_requests_signed_before_the_server_started_are_refused():
    start = 1_800_000_000.0
    cache = NonceCache(ttl=60, not_before=start)
    assert "signed before this agent started" in cache.add("ab" * 8, start - 1, start + 2)
    assert cache.add("cd" * 8, start + 1, start + 2) is None


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_a_run_request_replayed_after_the_agent_restarts_is_refused(tmp_path, broker_url, exchange):
    host = f"rst{uuid.uuid4().hex[:8]}"
    nonce_file = tmp_path / "state" / "nonces"
    publisher = Publisher(broker_url, exchange).start()
    got = Collector()
    consumer = Consumer(got, broker_url, exchange, bindings=[f"{host}.#"]).start()
    assert consumer.wait_ready()

    def start_agent():
        handler = CountingHandler(AgentControlHandler(lambda: publisher, host))
        server = ControlServer(broker_url, host, SECRET, handler, nonce_file=nonce_file).start()
        assert server.wait_ready()
        return handler, server

    handler, server = start_agent()
    run_args = {"script": "", "backend": "sampler", "interval": 0.2, "duration": 0.6}
    captured = encode_message(make_request(SECRET, host, "run", run_args))
    try:
        [(_, reply)] = _raw_request(broker_url, host, [captured])
        assert reply["ok"] is True
        first_run = reply["result"]["run"]
        assert wait_until(lambda: not handler.inner.run_ids())
        handler.inner.stop_all(timeout=10)
        server.stop()

        handler, server = start_agent()  # a new agent process would do the same: a new server, the same file
        [(_, reply)] = _raw_request(broker_url, host, [captured])  # well inside the 30 s window
        assert reply["ok"] is False and reply["error"] == "refused: replayed nonce"
        assert handler.calls == [] and server.refused == 1
        [(_, reply)] = _raw_request(
            broker_url, host, [encode_message(make_request(SECRET, host, "run", run_args))]
        )
        assert reply["ok"] is True and reply["result"]["run"] != first_run
        assert wait_until(lambda: got.runs() == {first_run, reply["result"]["run"]})
    finally:
        handler.inner.stop_all(timeout=10)
        server.stop()
        consumer.stop()
        publisher.close()


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_the_agent_process_keeps_its_nonces_across_a_restart(tmp_path, broker_url, exchange):
    host = f"rsp{uuid.uuid4().hex[:8]}"

    def up(client, proc):
        try:
            return client.status(timeout=5)
        except ControlNoAgent:
            assert proc.poll() is None, proc.communicate()[1]
            return None

    captured = encode_message(make_request(SECRET, host, "status", {}))
    proc = _agent_process(tmp_path, broker_url, exchange, host)
    try:
        with ControlClient(broker_url, host, SECRET, timeout=30) as client:
            assert wait_until(lambda: up(client, proc), 60)
        assert _raw_request(broker_url, host, [captured])[0][1]["ok"] is True
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        assert list((tmp_path / "state" / "suricate").glob("control-nonces-*"))
        proc = _agent_process(tmp_path, broker_url, exchange, host)
        with ControlClient(broker_url, host, SECRET, timeout=30) as client:
            assert wait_until(lambda: up(client, proc), 60)
        assert _raw_request(broker_url, host, [captured])[0][1]["error"] == "refused: replayed nonce"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=60)
