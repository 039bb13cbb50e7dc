"""The control protocol's messages: secrets, signing, parsing, verification, replay protection.

What a request and a reply are (docs/control-protocol.md), apart from who sends them: the
``ControlServer`` and ``ControlClient`` in ``control.py`` move these messages over AMQP; this
module holds no connection and runs no thread, so every check here is a plain function (or the
``NonceCache``) that the tests and both ends call alike.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from ..lang.diagnostics import Diagnostic
from ..schema import MAX_DEPTH, SchemaError, check_depth
from .nonce_journal import NonceJournal
from .settings import SECRET_ENV

PROTOCOL_VERSION = 1
#: The direct exchange the desk sends requests to; routing key = the agent's host name.
CONTROL_EXCHANGE = "suricate.control"
#: Prefix of each agent's request queue (``suricate.control.<host>``) and of each desk's reply queue.
QUEUE_PREFIX = "suricate.control."
REPLY_PREFIX = "suricate.control.reply."
#: The only queues an agent answers into: desks' reply queues and RabbitMQ's direct reply-to.
REPLY_QUEUE_PREFIXES = (REPLY_PREFIX, "amq.rabbitmq.reply-to")
OPS = ("compile", "run", "stop", "status")
#: Requests further than this from the agent's clock are refused as stale.
DEFAULT_MAX_SKEW = 30.0
#: Request bodies larger than this are refused before parsing.
MAX_CONTROL_BYTES = 1 << 20
MIN_SECRET_BYTES = 16

_HEX_SIG = re.compile(r"[0-9a-f]{64}")
_HEX_NONCE = re.compile(r"[0-9a-f]{16,128}")
_JSON = "application/json"


# --------------------------------------------------------------------------------------------------
# Errors


class ControlError(Exception):
    """A control request that did not succeed (the agent's own error message, or a transport failure)."""


class ControlTimeout(ControlError):
    """No answer within the timeout."""


class ControlNoAgent(ControlTimeout):
    """The broker had nowhere to route the request: no agent listens for that host."""


class ControlRefused(ControlError):
    """The agent refused the request (unsigned, bad signature, stale, replayed, unknown op, malformed)."""

    def __init__(self, reason: str, detail: str = ""):
        #: The agent's reason, as it logged it ("bad signature", "stale timestamp: ...").
        self.reason = reason
        super().__init__(f"{reason} ({detail})" if detail else reason)


class SecretError(ValueError):
    """The shared secret is missing, too short, or kept in a file others can read."""


# --------------------------------------------------------------------------------------------------
# The secret


def load_secret(
    secret_file: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> bytes:
    """The shared secret: the file's bytes (surrounding whitespace removed), else ``$SURICATE_CONTROL_SECRET``.

    A file that group or others may read or write is refused (``chmod 600``);
    so is a secret shorter than 16 bytes. Never take a secret from the command
    line: other users see it in ``ps``.
    """
    environ = os.environ if environ is None else environ
    if secret_file is not None:
        path = Path(secret_file).expanduser()
        try:
            st = path.stat()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {path}: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise SecretError(f"the secret file {path} is not a regular file")
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            raise SecretError(
                f"the secret file {path} is accessible by group or others (mode {mode:04o}); "
                f"make it private: chmod 600 {path}"
            )
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {path}: {exc.strerror}") from None
        where = str(path)
    elif environ.get(SECRET_ENV):
        secret = environ[SECRET_ENV].strip().encode("utf-8")
        where = f"${SECRET_ENV}"
    else:
        raise SecretError(f"no control secret: give --secret-file FILE or set {SECRET_ENV}")
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            f"the secret in {where} is too short ({len(secret)} bytes; at least {MIN_SECRET_BYTES}, "
            "e.g. from 'openssl rand -hex 32')"
        )
    return secret


def _check_secret(secret: bytes | str) -> None:
    if len(_key(secret)) < MIN_SECRET_BYTES:
        raise SecretError(f"the control secret must have at least {MIN_SECRET_BYTES} bytes")


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


# --------------------------------------------------------------------------------------------------
# Canonical form, signature, verification


def canonical(message: Mapping[str, Any]) -> bytes:
    """The bytes that are signed: every field but ``sig``, as JSON with sorted keys and no spaces.

    ``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=True,
    allow_nan=False)`` encoded as ASCII: keys sorted at every level, non-ASCII
    characters as ``\\uXXXX`` escapes, no NaN or Infinity.
    """
    body = {k: v for k, v in message.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
        "ascii"
    )


def signature(secret: bytes | str, message: Mapping[str, Any]) -> str:
    """Hex HMAC-SHA256 of the message's canonical form."""
    return hmac.new(_key(secret), canonical(message), hashlib.sha256).hexdigest()


def sign(secret: bytes | str, request: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``request`` with its ``sig``. Fills ``v``, ``ts`` and ``nonce`` when missing."""
    message = dict(request)
    message.pop("sig", None)
    message.setdefault("v", PROTOCOL_VERSION)
    message.setdefault("ts", round(time.time(), 3))
    message.setdefault("nonce", new_nonce())
    message["sig"] = signature(secret, message)
    return message


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_request(
    secret: bytes | str,
    host: str,
    op: str,
    args: Mapping[str, Any] | None = None,
    *,
    ts: float | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """A signed request envelope for ``op`` on ``host``."""
    request = {
        "v": PROTOCOL_VERSION,
        "op": op,
        "host": host,
        "ts": round(time.time(), 3) if ts is None else ts,
        "nonce": nonce or new_nonce(),
        "args": dict(args or {}),
    }
    return sign(secret, request)


def encode_message(message: Mapping[str, Any]) -> bytes:
    """What goes on the wire (any valid JSON would do; this is the canonical form plus ``sig``)."""
    return json.dumps(
        message, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not allowed")


def parse_message(body: bytes | str, max_bytes: int = MAX_CONTROL_BYTES) -> dict[str, Any]:
    """JSON object from the wire; ValueError("malformed: ...") otherwise, and never anything else.

    Size and nesting depth (``schema.MAX_DEPTH``) are checked before parsing,
    so neither the parser nor the signature's canonical form (``json.dumps``)
    recurses deep; whatever else a hostile body makes the parser raise
    (bad UTF-8, a 5,000-digit integer, a lone surrogate) is a malformed body.
    """
    if len(body) > max_bytes:
        raise ValueError(f"malformed: message of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    try:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        check_depth(raw, MAX_DEPTH)
        message = json.loads(raw, parse_constant=_no_constants)
    except SchemaError as exc:
        raise ValueError(f"malformed: {exc}") from None
    except Exception as exc:  # ValueError, UnicodeError, RecursionError, MemoryError...: all malformed
        raise ValueError(f"malformed: not JSON ({type(exc).__name__}: {str(exc)[:100]})") from None
    if not isinstance(message, dict):
        raise ValueError("malformed: not a JSON object")
    return message


class NonceCache:
    """Nonces of accepted requests, kept ``ttl`` seconds (2 × the allowed skew), at most ``max_entries``.

    A request whose nonce is here is a replay. A nonce is kept until no
    request carrying it could pass the freshness check any more: it was
    accepted with ``|ts - now| <= skew``, so after ``2 * skew`` a copy is stale.
    If the cache is full of live nonces, the oldest is evicted (counted in
    ``evicted``) and its request's timestamp becomes a floor: requests stamped
    at or before it are refused as stale, so an evicted nonce still cannot be
    replayed.

    Across restarts: with a ``journal`` (transport/nonce_journal.py) every
    accepted nonce is on disk before its request runs, and a new cache starts
    from what is still live there; a request that cannot be journaled is
    refused. Without one, ``not_before`` (the agent's start) refuses requests
    signed before it, which is weaker: a desk whose clock runs ahead could
    replay a request of the last seconds before the restart.
    """

    def __init__(
        self,
        ttl: float = 2 * DEFAULT_MAX_SKEW,
        max_entries: int = 100_000,
        *,
        journal: NonceJournal | None = None,
        not_before: float = -math.inf,
        now: float | None = None,
    ):
        self.ttl = ttl
        self.max_entries = max_entries
        self.floor = -math.inf
        self.not_before = not_before
        self.evicted = 0
        self.journal = journal
        self._entries: collections.OrderedDict[str, tuple[float, float]] = collections.OrderedDict()
        self._lock = threading.Lock()
        if journal is not None:
            live, self.floor = journal.load(time.time() if now is None else now)
            for nonce, expires, ts in live:
                self._entries[nonce] = (expires, ts)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, nonce: str) -> bool:
        return nonce in self._entries

    def add(self, nonce: str, ts: float, now: float) -> str | None:
        """Remember ``nonce``; the refusal reason if it is a replay (or below the floor), else None."""
        with self._lock:
            entries = self._entries
            while entries:
                first = next(iter(entries.values()))
                if first[0] > now:
                    break
                entries.popitem(last=False)
            if nonce in entries:
                return "replayed nonce"
            if ts <= self.floor:
                return "stale timestamp: older than the replay cache still covers"
            if ts < self.not_before:
                return (
                    "stale timestamp: signed before this agent started (without a nonce file, requests "
                    "from before a restart are refused)"
                )
            floor = self.floor
            while len(entries) >= self.max_entries:
                _, (_, old_ts) = entries.popitem(last=False)
                floor = max(floor, old_ts)
                self.evicted += 1
            expires = now + self.ttl
            if self.journal is not None:
                try:
                    if floor != self.floor:
                        self.journal.record_floor(floor)
                    self.journal.record(nonce, expires, ts)
                    if self.journal.needs_compaction(len(entries) + 1):
                        self.journal.rewrite(
                            [(n, e, t) for n, (e, t) in entries.items()] + [(nonce, expires, ts)], floor
                        )
                except OSError as exc:
                    self.floor = floor
                    return f"replay journal: cannot record the nonce ({exc.strerror or exc}); nothing runs"
            self.floor = floor
            entries[nonce] = (expires, ts)
            return None

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()


def _check_fields(message: Mapping[str, Any]) -> str | None:
    if type(message.get("v")) is not int or message["v"] != PROTOCOL_VERSION:
        return f"malformed: v must be {PROTOCOL_VERSION}, got {message.get('v')!r}"[:200]
    for name, kind in (("op", str), ("host", str), ("nonce", str), ("args", dict)):
        if name not in message:
            return f"malformed: missing field {name!r}"
        if not isinstance(message[name], kind):
            return f"malformed: {name} must be a {'JSON object' if kind is dict else 'string'}"
    ts = message.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not math.isfinite(ts):
        return "malformed: ts must be a number (seconds since the epoch)"
    if not _HEX_NONCE.fullmatch(message["nonce"]):
        return "malformed: nonce must be 16 to 128 lowercase hex digits"
    return None


def verify(
    secret: bytes | str,
    request: Mapping[str, Any] | bytes | str,
    now: float,
    seen_nonces: NonceCache,
    max_skew: float = DEFAULT_MAX_SKEW,
    host: str | None = None,
) -> str | None:
    """Why ``request`` must be refused, or None when it may run.

    In order: malformed JSON, unsigned (no ``sig``), malformed fields, bad
    signature (constant-time comparison), wrong host (when ``host`` is
    given), stale timestamp (more than ``max_skew`` s from ``now``, either
    way), replayed nonce (then the nonce is remembered), unknown op. Every
    reason starts with one of: ``malformed``, ``unsigned``, ``bad signature``,
    ``wrong host``, ``stale timestamp``, ``replayed nonce``, ``unknown op``.
    """
    if not isinstance(request, Mapping):
        try:
            request = parse_message(request)
        except ValueError as exc:
            return str(exc)
    if "sig" not in request:
        return "unsigned"
    sig = request["sig"]
    if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
        return "malformed: sig must be 64 lowercase hex digits (HMAC-SHA256)"
    problem = _check_fields(request)
    if problem:
        return problem
    try:
        expected = signature(secret, request)
    except (TypeError, ValueError) as exc:
        return f"malformed: cannot be put in canonical form ({exc})"
    if not hmac.compare_digest(expected, sig):
        return "bad signature"
    if host is not None and request["host"] != host:
        return f"wrong host {request['host'][:100]!r} (this agent is {host!r})"
    age = now - request["ts"]
    if age > max_skew:
        return f"stale timestamp: {age:.0f} s old (allowed skew {max_skew:g} s)"
    if -age > max_skew:
        return f"stale timestamp: {-age:.0f} s ahead of this host's clock (allowed skew {max_skew:g} s)"
    replay = seen_nonces.add(request["nonce"], request["ts"], now)
    if replay:
        return replay
    if request["op"] not in OPS:
        return f"unknown op {request['op'][:50]!r}"
    return None


def verify_reply(
    secret: bytes | str, message: Mapping[str, Any], host: str, re_nonce: str | None = None
) -> str | None:
    """Why an agent's reply or event cannot be trusted, or None.

    It must be signed with the shared secret, come from ``host`` and, when
    ``re_nonce`` is given, answer the request that had that nonce (``re``).
    Binding to the request's nonce is what makes an old reply useless.
    """
    sig = message.get("sig")
    if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
        return "unsigned"
    try:
        expected = signature(secret, message)
    except (TypeError, ValueError):
        return "malformed"
    if not hmac.compare_digest(expected, sig):
        return "bad signature"
    if message.get("host") != host:
        return f"from host {message.get('host')!r}, not {host!r}"
    if re_nonce is not None and message.get("re") != re_nonce:
        return "answers another request"
    return None


def diagnostics_to_dicts(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    return [d.to_dict() for d in diagnostics]


def diagnostics_from_dicts(items: list[Mapping[str, Any]]) -> list[Diagnostic]:
    out = []
    for d in items or ():
        out.append(
            Diagnostic(
                int(d.get("line", 0)),
                int(d.get("column", 0)),
                str(d.get("severity", "error")),
                str(d.get("message", "")),
                str(d.get("file", "<script>")),
                d.get("end_column"),
            )
        )
    return out


# --------------------------------------------------------------------------------------------------
# The agent's side
