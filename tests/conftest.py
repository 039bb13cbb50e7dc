"""Shared fixtures: the real broker, real bpftrace, unique exchanges per test."""

from __future__ import annotations

import os

# Qt tests run offscreen unless a display is asked for (QT_QPA_PLATFORM=xcb with Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import resource
import shutil
import subprocess
import uuid

import pika
import pytest

BROKER_URL = os.environ.get("SURICATE_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672/%2F")
#: The fixtures through which a test reaches a RabbitMQ: the machine's (``exchange`` and ``queue_name`` ask for
#: ``broker_url``) or a node of the test's own (``own_broker``, which needs RabbitMQ installed).
BROKER_FIXTURES = frozenset({"broker_url", "own_broker"})


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by mark
def pytest_collection_modifyitems(config, items):
    """Every test that reaches a broker is marked ``broker``, whether or not its author wrote the mark:
    ``-m "not broker"`` then leaves out exactly the tests a machine without RabbitMQ cannot run."""
    for item in items:
        if (
            BROKER_FIXTURES & set(getattr(item, "fixturenames", ()))
            and item.get_closest_marker("broker") is None
        ):
            item.add_marker(pytest.mark.broker)


@pytest.fixture(scope="session")
def broker_url() -> str:
    """The real RabbitMQ; .ci/run starts one where none answers. No broker is a failure, not a skip."""
    params = pika.URLParameters(BROKER_URL)
    params.connection_attempts = 1
    try:
        pika.BlockingConnection(params).close()
    except pika.exceptions.AMQPError as exc:
        pytest.fail(f"no RabbitMQ at {BROKER_URL} ({exc}); start one with 'rabbitmq-server -detached'")
    return BROKER_URL


@pytest.fixture
def exchange(broker_url):
    """A topic exchange of this test's own, deleted afterwards."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().exchange_delete(name)
    conn.close()


@pytest.fixture
def queue_name(broker_url):
    """A durable queue name of this test's own, deleted afterwards."""
    name = f"test.q.{uuid.uuid4().hex[:10]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().queue_delete(name)
    conn.close()


@pytest.fixture
def tls_broker(broker_url, tmp_path):
    """The test broker behind TLS: ``.url()`` is ``amqps://…@localhost:<port>``, ``.certs.ca`` the private
    CA its certificate is signed by (``tls_proxy``: a real handshake, a real certificate check)."""
    from tls_proxy import TlsProxy, make_ca

    folder = tmp_path / "tls"
    folder.mkdir()
    certs = make_ca(folder)
    params = pika.URLParameters(broker_url)
    proxy = TlsProxy(certs, (params.host, params.port))
    yield proxy
    proxy.close()


@pytest.fixture(scope="session")
def bpftrace_ready() -> str:
    """Root, bpftrace, tracefs mounted and RLIMIT_MEMLOCK raised, as bpftrace needs."""
    path = shutil.which("bpftrace")
    if path is None:
        pytest.fail("bpftrace is not installed (.ci/run installs it: apt-get install bpftrace)")
    if os.geteuid() != 0:
        pytest.skip("bpftrace needs root; run the suite as root (as .ci/run does)")
    if not os.path.ismount("/sys/kernel/tracing"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=False)
    _soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    try:
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):  # a sandbox may cap the hard limit; bpftrace copes with the soft one
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (hard, hard))
    return path


@pytest.fixture
def make_window(qtbot, tmp_path):
    """``make_window(**kw)``: a shown main window on a scratch settings file (unless ``settings`` is
    given), shut down whole (runs, sources, model worker, rules thread, kernel) after the test."""
    from PySide6.QtCore import QSettings

    from suricate_desktop.gui.main_window import MainWindow

    made = []

    def make(settings=None, **kw):
        if settings is None:
            settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
        w = MainWindow(settings=settings, **kw)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()


@pytest.fixture
def own_broker():
    """A RabbitMQ node of this test's own (tests/broker_node.py), to stop, kill and restart at will."""
    import socket

    from broker_node import BrokerNode, rabbitmq_available

    why = rabbitmq_available()
    if why:
        pytest.skip(why)

    def free(port: int) -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return True
            except OSError:
                return False

    port = next(p for p in range(5701 + os.getpid() % 200, 6000) if free(p) and free(p + 20000))
    node = BrokerNode(port)
    try:
        yield node.start()
    finally:
        node.remove()


AGENT_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def agent(broker_url, exchange, monkeypatch):
    """An agent host listening for control requests (signed with ``AGENT_SECRET``, which the test's
    environment holds), publishing its runs to the test's exchange; its host name."""
    from suricate_desktop.agent.control_handler import AgentControlHandler
    from suricate_desktop.transport.control import SECRET_ENV, ControlServer
    from suricate_desktop.transport.publisher import Publisher

    monkeypatch.setenv(SECRET_ENV, AGENT_SECRET)
    host = f"rul{uuid.uuid4().hex[:8]}"
    publisher = Publisher(broker_url, exchange).start()
    handler = AgentControlHandler(lambda: publisher, host)
    server = ControlServer(broker_url, host, AGENT_SECRET.encode(), handler).start()
    assert server.wait_ready()
    yield host
    handler.stop_all(timeout=10)
    server.stop()
    publisher.close()
