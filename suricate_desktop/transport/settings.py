"""The transport's names that a command line shows before it connects, free of pika.

The default broker URL and exchange, and the environment variable that holds the control secret:
``suricate --help`` lists them, and importing them from publisher.py or control_messages.py would
load pika (and the schema's codecs) for every command, even ``suricate lint``. Those modules import
them from here and still export them.
"""

from __future__ import annotations

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_EXCHANGE = "suricate"
#: Where the control secret comes from when no file is given.
SECRET_ENV = "SURICATE_CONTROL_SECRET"
