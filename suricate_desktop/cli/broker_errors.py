"""Broker trouble in the long-running commands: one line, and an exit status that says it.

The transport says each trouble itself, once for the process (transport/reconnect.py):
``broker H:P unreachable: connection refused; retrying`` while it retries, ``broker H:P
refused the login for user 'x'; retrying cannot help`` when it gives up. ``BrokerWatch`` is
what a command adds: it notes when the broker is (again) connected, ends the command within
a poll when a connection failed for good, and turns the outcome into the exit status:

* ``BROKER_REFUSED`` (2): the broker refused us (login, vhost, permissions, TLS): a
  setting to fix, like a bad command line, so the same status as a usage error;
* ``NEVER_REACHED`` (1): the command ran its course but the broker never answered (a
  ``suricate record`` that recorded nothing because of it says so and exits 1).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

BROKER_REFUSED = 2
NEVER_REACHED = 1


class Link(Protocol):
    """A Publisher, Consumer, ControlServer or ControlClient."""

    state: str
    last_error: str
    connections: int
    failed: threading.Event


class BrokerWatch:
    """Watch a command's broker connections (``links``) on its behalf."""

    def __init__(self, command: str, *links: Link, log: logging.Logger):
        self.command = command
        self.links = links
        self.log = log
        self._connected = [False] * len(links)

    def failed(self) -> Link | None:
        """The first connection that gave up for good, if any."""
        return next((link for link in self.links if link.failed.is_set()), None)

    def poll(self) -> None:
        """Say (at INFO) when a connection comes up, the first time and after trouble."""
        for i, link in enumerate(self.links):
            up = link.state in ("connected", "listening")
            if up and not self._connected[i]:
                self.log.info("%s: broker connected", self.command)
            self._connected[i] = up

    def stop_on_failure(self, stop: Callable[[], None], until: threading.Event) -> None:
        """Call ``stop`` from a watcher thread as soon as a connection fails for good (before ``until``)."""

        def watch() -> None:
            while not until.wait(0.1):
                if self.failed():
                    stop()
                    return

        threading.Thread(target=watch, name=f"{self.command}-broker-watch", daemon=True).start()

    def never_reached(self) -> Link | None:
        """A connection that never got through to the broker, if any."""
        return next((link for link in self.links if link.connections == 0), None)
