"""A RabbitMQ node of the tests' own, on its own ports, that a test may stop, kill and start again.

The machine's broker (127.0.0.1:5672) is shared by every test and must stay up; tests of what
happens when the broker goes away run their own node instead: same Debian ``rabbitmq-server``,
another node name, AMQP and distribution port, its own data folder (so durable queues survive a
restart, as on a real broker) and no plugins. Starting takes about five seconds.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pika
import pika.exceptions


def rabbitmq_available() -> str | None:
    """None when this machine can run a node of our own, else why not."""
    if shutil.which("rabbitmq-server") is None or shutil.which("rabbitmqctl") is None:
        return "rabbitmq-server is not installed (.ci/run installs it)"
    if os.geteuid() != 0:
        return "starting a RabbitMQ node of our own needs root (it runs as the rabbitmq user)"
    return None


class BrokerNode:
    """``start()``, ``stop()`` (clean), ``kill()`` (SIGKILL), ``url``; data kept in ``base`` across restarts."""

    def __init__(self, port: int, base: Path | None = None, name: str | None = None):
        # The node runs as the rabbitmq user, who cannot enter pytest's root-only tmp_path.
        self.base = Path(base) if base else Path(tempfile.mkdtemp(prefix=f"suricate-broker-{port}-"))
        self.base.chmod(0o755)
        self.port = port
        self.name = name or f"suritest{port}@localhost"
        self.url = f"amqp://guest:guest@127.0.0.1:{port}/%2F"
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / "plugins").write_text("[].\n")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{port}\nloopback_users = none\n"
        )
        try:
            user = pwd.getpwnam("rabbitmq")
            for path in (self.base, *self.base.rglob("*")):
                os.chown(path, user.pw_uid, user.pw_gid)
        except KeyError:
            pass

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.port + 20000),
            RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
            RABBITMQ_MNESIA_BASE=str(self.base / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.base / "log"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "plugins"),
            RABBITMQ_PID_FILE=str(self.base / "pid"),
        )
        return env

    def answers(self) -> bool:
        """True when the node accepts a login."""
        params = pika.URLParameters(self.url)
        params.connection_attempts = 1
        params.socket_timeout = 1
        try:
            pika.BlockingConnection(params).close()
            return True
        except (pika.exceptions.AMQPError, OSError):
            return False

    def start(self, timeout: float = 60.0) -> BrokerNode:
        """Start the node (its queues as it left them) and wait until it accepts a login."""
        subprocess.run(
            ["rabbitmq-server", "-detached"],
            env=self._env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.1)
        raise RuntimeError(
            f"RabbitMQ node {self.name} did not start in {timeout:.0f}s; see {self.base / 'log'}"
        )

    def _pid(self) -> int | None:
        try:
            return int((self.base / "pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def _wait_gone(self, pid: int | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while pid is not None and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def stop(self, timeout: float = 30.0) -> None:
        """A clean shutdown, as an operator's restart does."""
        pid = self._pid()
        subprocess.run(
            ["rabbitmqctl", "-n", self.name, "stop"],
            env=self._env(),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        )
        self._wait_gone(pid, timeout)

    def kill(self) -> None:
        """SIGKILL: the node vanishes mid-stream, as on a power cut."""
        pid = self._pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait_gone(pid, 10.0)

    def remove(self) -> None:
        """Stop the node if it runs and delete its data."""
        if self.answers():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
