"""Suricate Desktop: trace hosts, learn how they behave, act on deviations.

Packages, from the ground up (nothing imports upward; only ``gui`` imports Qt):

* ``schema``, ``lang``: the message schema; the D and bpftrace language tools.
* ``agent``, ``transport``, ``store``: tracing backends; AMQP publish/consume;
  live buffers, recordings and replay.
* ``analytics``, ``rules``: learned models; rules and actions.
* ``cli``, ``gui``: the ``suricate`` commands; the ``suricate-desktop`` workbench.
"""

__version__ = "0.1.0"
