"""A 3-node RabbitMQ cluster of the tests' own, on this machine, for failover tests.

Three ``BrokerNode``s (tests/broker_node.py: the Debian ``rabbitmq-server`` as the rabbitmq user, a
node name, AMQP port, distribution port and data folder of their own, ``listeners.tcp.local`` on
127.0.0.1) share the rabbitmq user's Erlang cookie, so they can cluster: nodes 2 and 3 join node 1
with ``rabbitmqctl stop_app`` / ``join_cluster`` / ``start_app``. Every node has the
consistent-hash exchange plugin enabled (its enabled-plugins file, read at start). The machine's
broker at 127.0.0.1:5672 is not touched.

``cluster`` is a module-scoped pytest fixture (a test module imports ``cluster_fixture``). Starting
takes 30 to 40 s on two cores (each ``rabbitmqctl`` call starts an Erlang VM); afterwards the
fixture kills the nodes and deletes their data. A
test may ``kill`` one node (SIGKILL the beam), ``stop_app`` it, and ``Cluster.restart`` it (it
rejoins with its data); a test that takes a node down brings it back before it ends.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from broker_node import BrokerNode, rabbitmq_available

#: Plugins every cluster node starts with.
PLUGINS = ("rabbitmq_consistent_hash_exchange",)


class ClusterNode(BrokerNode):
    """A ``BrokerNode`` with plugins, that can join a cluster."""

    def __init__(self, port: int, base: Path | None = None, name: str | None = None):
        super().__init__(port, base, name)
        plugins = self.base / "plugins"
        plugins.write_text(f"[{','.join(PLUGINS)}].\n")
        os.chown(plugins, self.base.stat().st_uid, self.base.stat().st_gid)

    def ctl(self, *args: str, timeout: float = 60.0, check: bool = True) -> str:
        """``rabbitmqctl -n <this node> ARGS``; its output."""
        done = subprocess.run(
            ["rabbitmqctl", "-n", self.name, *args],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl -n {self.name} {' '.join(args)}: {done.stderr or done.stdout}")
        return done.stdout

    def spawn(self) -> None:
        """Start the node without waiting for it (``start`` waits)."""
        subprocess.run(
            ["rabbitmq-server", "-detached"],
            env=self._env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_answers(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.1)
        raise RuntimeError(
            f"RabbitMQ node {self.name} did not start in {timeout:.0f}s; see {self.base / 'log'}"
        )

    def join(self, seed: ClusterNode) -> None:
        """Join ``seed``'s cluster (a fresh node: nothing of its own to reset)."""
        self.ctl("stop_app")
        self.ctl("join_cluster", seed.name)
        self.ctl("start_app")
        self.wait_answers()

    def stop_app(self) -> None:
        """Stop RabbitMQ on the node, the Erlang VM staying up (``start_app`` brings it back)."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.wait_answers()


class Cluster:
    """Three clustered nodes; ``urls`` in node order, ``nodes[i].kill()`` / ``restart(i)``."""

    def __init__(self, ports: tuple[int, int, int]):
        self.nodes = [ClusterNode(port) for port in ports]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def start(self) -> Cluster:
        for node in self.nodes:
            node.spawn()
        for node in self.nodes:
            node.wait_answers()
        seed = self.nodes[0]
        for node in self.nodes[1:]:
            node.join(seed)
        running = self.running_nodes()
        if running != {n.name for n in self.nodes}:
            raise RuntimeError(f"the cluster did not form: running nodes {sorted(running)}")
        return self

    def alive(self) -> list[ClusterNode]:
        return [node for node in self.nodes if node.answers()]

    def running_nodes(self, via: ClusterNode | None = None) -> set[str]:
        """The names of the nodes the cluster reports running (asked of ``via`` or a live node)."""
        node = via or self.alive()[0]
        status = json.loads(node.ctl("cluster_status", "--formatter", "json"))
        return set(status.get("running_nodes", []))

    def node_of_port(self, port: int) -> ClusterNode:
        return next(node for node in self.nodes if node.port == port)

    def connection_ports(self) -> list[int]:
        """The AMQP port (so the node) of every client connection in the cluster."""
        out = self.alive()[0].ctl("list_connections", "-q", "--no-table-headers", "port")
        return [int(line) for line in out.split() if line.strip().isdigit()]

    def restart(self, index: int) -> None:
        """Start a node that was killed or stopped again; it rejoins the cluster (its data kept)."""
        node = self.nodes[index]
        if node.answers():
            return
        if node._pid() is not None and _alive(node._pid()):  # the VM runs, the app was stopped
            node.start_app()
        else:
            node.spawn()
            node.wait_answers()

    def remove(self) -> None:
        for node in reversed(self.nodes):
            try:
                node.kill()
            finally:
                shutil.rmtree(node.base, ignore_errors=True)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_ports() -> tuple[int, int, int]:
    """Three AMQP ports in a row, each with its distribution port (+20000) free."""
    for first in range(5801 + os.getpid() % 150, 6000, 3):
        ports = (first, first + 1, first + 2)
        if all(_free(p) and _free(p + 20000) for p in ports):
            return ports
    raise RuntimeError("no three free ports for a cluster between 5801 and 6000")


@pytest.fixture(scope="module", name="cluster")
def cluster_fixture() -> Iterator[Cluster]:
    """A 3-node cluster of this module's own, torn down (killed, data deleted) after it."""
    why = rabbitmq_available()
    if why:
        pytest.skip(why)
    made = Cluster(free_ports())
    try:
        yield made.start()
    finally:
        made.remove()
