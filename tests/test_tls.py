"""TLS with a private CA, on every connection the desk makes for a broker source.

The broker is the test RabbitMQ behind ``tls_proxy.TlsProxy`` (a certificate for localhost signed by
a CA made for the test): jobs (``submit_job``, what the Workers view's "Run now" calls), the streams'
consumer, and the command line reach it only when given the CA, and say why when not.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pika
import pytest
from waiting import wait_until

from suricate_desktop.cli.cmd_record import queue_name
from suricate_desktop.schema import Snapshot, encode
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import iter_snapshots
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.control import ControlClient, ControlError, ControlTimeout
from suricate_desktop.transport.job_client import BROKER_ERROR, QUEUED, submit_job
from suricate_desktop.transport.publisher import Publisher
from suricate_desktop.transport.reconnect import connection_parameters

SECRET = b"0123456789abcdef0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def job_queue(broker_url):
    name = f"test.jobs.{uuid.uuid4().hex[:10]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().queue_delete(name)
    conn.close()


def queued(broker_url: str, queue: str) -> int:
    """Messages ready on ``queue`` (0: no such queue), asked of the broker directly, not through the proxy."""
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.message_count
    except pika.exceptions.ChannelClosedByBroker as exc:
        assert exc.reply_code == 404
        return 0
    finally:
        if conn.is_open:
            conn.close()


def test_a_job_reaches_a_private_ca_broker_given_the_ca(broker_url, tls_broker, job_queue):
    answer = submit_job(
        tls_broker.url(), SECRET, "tiny", queue=job_queue, wait=0, tls_ca=str(tls_broker.certs.ca)
    )
    assert answer.status == QUEUED, answer
    assert tls_broker.connections >= 1  # it went through TLS, not around it
    assert queued(broker_url, job_queue) == 1


def test_without_the_ca_the_job_fails_at_once_saying_the_certificate_is_not_trusted(
    broker_url, tls_broker, job_queue
):
    answer = submit_job(tls_broker.url(), SECRET, "tiny", queue=job_queue, wait=30)
    assert answer.status == BROKER_ERROR, answer  # not no-answer: it did not wait for a worker
    assert "TLS certificate not trusted" in answer.error, answer.error
    assert "unable to get local issuer certificate" in answer.error, answer.error
    assert queued(broker_url, job_queue) == 0


def test_the_ca_does_not_excuse_a_certificate_for_another_host(tls_broker, job_queue):
    # The certificate names localhost only; the same proxy reached as 127.0.0.1 must be refused.
    url = tls_broker.url("127.0.0.1")
    answer = submit_job(url, SECRET, "tiny", queue=job_queue, wait=0, tls_ca=str(tls_broker.certs.ca))
    assert answer.status == BROKER_ERROR and "TLS certificate not trusted" in answer.error, answer


def test_amqps_without_a_ca_checks_the_host_against_the_systems_cas():
    params = connection_parameters("amqps://guest:guest@broker.example:5671/%2F")
    assert params.ssl_options is not None and params.ssl_options.server_hostname == "broker.example"
    assert params.ssl_options.context.verify_mode.name == "CERT_REQUIRED"
    assert connection_parameters("amqp://guest:guest@localhost/%2F").ssl_options is None


def test_the_consumer_and_publisher_with_the_ca_carry_snapshots_through_tls(tls_broker, exchange):
    ca = str(tls_broker.certs.ca)
    store = LiveStore()
    consumer = Consumer(store, tls_broker.url(), exchange, bindings=["web01.#"], tls_ca=ca).start()
    publisher = Publisher(tls_broker.url(), exchange, tls_ca=ca).start()
    try:
        assert consumer.wait_ready(), consumer.last_error
        snap = Snapshot("web01", "syscalls", "num", "count", 1000.0, 1.0, True, [[["bash"], 7]], 1, "run1")
        publisher([snap])
        assert publisher.flush(20), publisher.stats()
        assert wait_until(lambda: consumer.received == 1), consumer.stats()
        assert {i.stream for i in store.streams()} == {("web01", "syscalls", "num")}
    finally:
        consumer.stop()
        publisher.close()


def test_the_consumer_without_the_ca_fails_for_good_and_says_why(tls_broker, exchange):
    consumer = Consumer(LiveStore(), tls_broker.url(), exchange).start()
    try:
        assert consumer.failed.wait(10)
        assert consumer.state == "failed" and "TLS certificate not trusted" in consumer.last_error
    finally:
        consumer.stop()


def test_a_control_client_without_the_ca_says_the_certificate_is_not_trusted(tls_broker):
    client = ControlClient(tls_broker.url(), "nohost", SECRET, timeout=30)
    try:
        with pytest.raises(ControlError) as refused:
            client.status()
        # Not ControlTimeout after 30 s ("no agent answered"): the broker refused us, and it says why.
        assert not isinstance(refused.value, ControlTimeout)
        assert "TLS certificate not trusted" in str(refused.value)
        with pytest.raises(ControlError, match="TLS certificate not trusted"):
            client.status()  # asked again once the client has given up
    finally:
        client.close()
    with_ca = ControlClient(tls_broker.url(), "nohost", SECRET, tls_ca=str(tls_broker.certs.ca))
    try:
        assert with_ca.wait_ready(), with_ca.last_error
    finally:
        with_ca.close()


def suricate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suricate_desktop", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_suricate_job_takes_tls_ca(broker_url, tls_broker, job_queue, tmp_path):
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    common = ("tiny", "--broker", tls_broker.url(), "--job-queue", job_queue, "--secret-file", str(secret))
    refused = suricate("job", *common)
    assert refused.returncode == 2 and "certificate" in refused.stderr, refused.stderr
    done = suricate("job", *common, "--tls-ca", str(tls_broker.certs.ca))
    assert done.returncode == 0, done.stderr
    assert f"submitted to {job_queue}" in done.stderr
    assert queued(broker_url, job_queue) == 1
    assert "--tls-ca FILE" in suricate("job", "--help").stdout


def test_suricate_record_takes_tls_ca(broker_url, tls_broker, exchange, tmp_path):
    out = tmp_path / "rec"
    ca = str(tls_broker.certs.ca)
    common = ("--broker", tls_broker.url(), "--exchange", exchange, "--out", str(out), "--bind", "web01.#")
    try:
        refused = suricate("record", *common, "-d", "1")
        assert refused.returncode == 2 and "TLS certificate not trusted" in refused.stderr, refused.stderr
        first = suricate("record", *common, "-d", "1", "--tls-ca", ca)  # declares the recording's queue
        assert first.returncode == 0, first.stderr
        conn = pika.BlockingConnection(pika.URLParameters(broker_url))
        snap = Snapshot("web01", "syscalls", "num", "count", 1000.0, 1.0, True, [[["bash"], 7]], 1, "run1")
        conn.channel().basic_publish(
            exchange, snap.routing_key, encode(snap), pika.BasicProperties(delivery_mode=2)
        )
        conn.close()
        again = suricate("record", *common, "-d", "2", "--tls-ca", ca)
        assert again.returncode == 0, again.stderr
        assert [s.seq for s in iter_snapshots(out)] == [1]
    finally:
        conn = pika.BlockingConnection(pika.URLParameters(broker_url))
        conn.channel().queue_delete(queue_name(out))
        conn.close()


def test_adding_a_broker_whose_ca_file_cannot_be_loaded_says_so(qtbot, make_window, monkeypatch, tmp_path):
    from suricate_desktop.gui.panes import sources as pane

    window = make_window(restore_sources=False)
    missing = tmp_path / "missing.pem"
    config = {
        "kind": "broker",
        "url": "amqps://guest:guest@localhost:5671/%2F",
        "bindings": ["#"],
        "legacy_queues": [],
        "exchange": "suricate",
        "tls_ca": str(missing),
    }
    monkeypatch.setattr(pane.AddBrokerDialog, "exec", lambda self: config)  # what the form would give
    warnings: list[str] = []
    monkeypatch.setattr(pane.QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    before = len(list(window.registry))
    window.add_broker()
    assert warnings == [f"cannot use the TLS CA file '{missing}': No such file or directory"]
    assert len(list(window.registry)) == before


@pytest.mark.timeout(120)
@pytest.mark.parametrize("with_ca", [True, False], ids=["with-ca", "without-ca"])
def test_a_remote_run_reaches_its_agent_through_a_private_ca_broker(
    qtbot, make_window, broker_url, exchange, tls_broker, monkeypatch, tmp_path, with_ca
):
    # Sources > Remote agents… with a TLS CA file: the control client and the run's consumer both go through TLS
    # (the agent itself is on the broker directly).
    from suricate_desktop.agent.control_handler import AgentControlHandler
    from suricate_desktop.gui import dialogs
    from suricate_desktop.gui.sources.run import RemoteRunSource
    from suricate_desktop.transport.control import ControlServer

    host = f"tls{uuid.uuid4().hex[:8]}"
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    publisher = Publisher(broker_url, exchange).start()
    handler = AgentControlHandler(lambda: publisher, host)
    server = ControlServer(broker_url, host, SECRET, handler).start()
    remote = {
        "broker": tls_broker.url(),
        "hosts": [host],
        "secret_file": str(secret),
        "tls_ca": str(tls_broker.certs.ca) if with_ca else "",
    }
    monkeypatch.setattr(dialogs.RemoteAgentsDialog, "exec", lambda self: remote)  # what the form would give
    window = make_window(restore_sources=False)
    try:
        assert server.wait_ready()
        window.edit_remote_agents()
        pane = window.editor
        pane.set_remote_hosts([host], exchange=exchange)
        pane.new_document("d", "", name="remote.d")
        opts = pane.run_options
        opts.combo_target.setCurrentIndex(opts.combo_target.findData(f"remote:{host}"))
        opts.spin_interval.setValue(0.2)
        with qtbot.waitSignal(pane.runStarted, timeout=5000) as started:
            pane.run()
        source = started.args[0]
        assert isinstance(source, RemoteRunSource) and source.tls_ca == (remote["tls_ca"] or None)
        if not with_ca:  # the run ends at once, saying why, rather than waiting for an agent
            qtbot.waitUntil(lambda: source.state == "error", timeout=20_000)
            assert "TLS certificate not trusted" in source.detail, source.detail
            return
        qtbot.waitUntil(lambda: source.state == "running", timeout=60_000)
        qtbot.waitUntil(lambda: source.store.snapshots >= 3, timeout=30_000)
        with qtbot.waitSignal(pane.runStopped, timeout=60_000):
            pane.stop()
        assert source.state == "stopped", source.detail
    finally:
        handler.stop_all(timeout=10)
        server.stop()
        publisher.close()
