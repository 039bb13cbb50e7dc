"""Share per-key work between several consumers with RabbitMQ's consistent-hash exchange.

Why it exists: a rules daemon keeps state per stream (rule windows, pending timers, model
scores). Two daemons on one queue as competing consumers would each see every other
snapshot of a stream and each keep half a window; two daemons on two queues would both
see everything and fire every alert twice. Sharding gives each stream to exactly one
member of a *group*, and moves streams when members come and go, with RabbitMQ's own
mechanism rather than a scheduler of ours:

* the group's exchange ``<exchange>.shard.<group>`` is an ``x-consistent-hash`` exchange
  (plugin ``rabbitmq_consistent_hash_exchange``), bound to the topic exchange by the
  group's routing-key patterns (exchange-to-exchange bindings);
* it hashes each message's routing key, ``<host>.<source>.<aggregation>``, onto a ring,
  so all snapshots of a stream go to one queue;
* each member binds a queue of its own, ``<exchange>.shard.<group>.<instance>``, with a
  weight (its share of the ring's points); a member that joins takes a share of the
  keys, a member whose queue is deleted gives its keys back to the others.

A member's queue is by default exclusive (deleted with the member's connection: a
crash hands its keys over at once, and what was in its queue is lost); with
``queue_expires`` it is durable and outlives its member for that long (a restart under
the same instance name finds it again and loses nothing, but its keys wait for it
meanwhile). docs/sharding.md weighs the two.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

#: The exchange type, and the plugin that brings it (it ships with RabbitMQ, disabled).
EXCHANGE_TYPE = "x-consistent-hash"
PLUGIN = "rabbitmq_consistent_hash_exchange"
#: A weight is a member's number of points on the ring; the plugin's ring is sized by their sum.
MAX_WEIGHT = 1000
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def default_instance() -> str:
    """``<host name>-<pid>``: unique on a machine and among machines, readable in ``rabbitmqctl list_queues``."""
    host = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname().split(".")[0]) or "host"
    return f"{host}-{os.getpid()}"


class ShardingUnavailable(Exception):
    """The broker has no consistent-hash exchange: the plugin is not enabled."""


@dataclass(frozen=True)
class ShardGroup:
    """One member's place in a group: the group's name, this member's name and weight."""

    name: str
    instance: str = field(default_factory=default_instance)
    #: Points on the ring: a member of weight 2 gets about twice the streams of one of weight 1.
    weight: int = 1
    #: None: the member's queue is exclusive, gone with its connection. Seconds: durable, deleted by
    #: the broker once no member has read it for that long.
    queue_expires: float | None = None

    def __post_init__(self) -> None:
        for what, value in (("group", self.name), ("instance", self.instance)):
            if not _NAME.fullmatch(value):
                raise ValueError(
                    f"shard {what} name {value!r}: use letters, digits, '_', '-' and '.' (at most 100)"
                )
        if not 1 <= self.weight <= MAX_WEIGHT:
            raise ValueError(f"shard weight {self.weight}: between 1 and {MAX_WEIGHT}")
        if self.queue_expires is not None and self.queue_expires <= 0:
            raise ValueError("shard queue expiry: more than 0 seconds, or none (an exclusive queue)")

    def exchange(self, source: str) -> str:
        """The group's consistent-hash exchange, bound to ``source`` (the topic exchange)."""
        return f"{source}.shard.{self.name}"

    def queue(self, source: str) -> str:
        """This member's queue (a stable name: a member that reconnects gets its own keys back)."""
        return f"{self.exchange(source)}.{self.instance}"

    def queue_arguments(self, max_length: int) -> dict[str, Any]:
        arguments: dict[str, Any] = {"x-max-length": max_length}
        if self.queue_expires is not None:
            arguments["x-expires"] = int(self.queue_expires * 1000)
        return arguments


def missing_plugin_message(where: str) -> str:
    return (
        f"broker {where} has no {EXCHANGE_TYPE} exchange type, which sharding needs: enable the plugin "
        f"with 'rabbitmq-plugins enable {PLUGIN}' (on every node of a cluster; no restart needed)"
    )


def declare(
    channel: BlockingChannel,
    group: ShardGroup,
    source: str,
    patterns: Iterable[str],
    max_length: int,
    where: str = "",
) -> str:
    """Declare the group's exchange, bind it to ``source`` by ``patterns``, declare and bind this member's
    queue with its weight; the queue's name. ``ShardingUnavailable`` when the plugin is not enabled.

    Every member binds the group's exchange with its own patterns: bindings add up (and are not
    removed when a member goes), so the members of a group should ask for the same patterns.
    """
    exchange = group.exchange(source)
    try:
        channel.exchange_declare(exchange, EXCHANGE_TYPE, durable=True)
    except (pika.exceptions.ConnectionClosedByBroker, pika.exceptions.ChannelClosedByBroker) as exc:
        # RabbitMQ closes the connection: 503 COMMAND_INVALID - unknown exchange type 'x-consistent-hash'
        if exc.reply_code == 503 and "exchange type" in str(exc.reply_text):
            raise ShardingUnavailable(missing_plugin_message(where or "here")) from exc
        raise
    for pattern in patterns:
        channel.exchange_bind(exchange, source, routing_key=pattern)
    queue = group.queue(source)
    arguments = group.queue_arguments(max_length)
    if group.queue_expires is None:
        channel.queue_declare(queue, exclusive=True, auto_delete=True, arguments=arguments)
    else:
        channel.queue_declare(queue, durable=True, arguments=arguments)
    # For this exchange type the binding key is the weight: the member's number of points on the ring.
    channel.queue_bind(queue, exchange, routing_key=str(group.weight))
    return queue
