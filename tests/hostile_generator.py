"""Generated hostile message bodies, and valid ones at the edges of every limit.

A seeded generator (``random.Random``), so a failure can be reproduced from
its seed. ``hostile_bodies`` gives JSON bodies every one of which the desk
must reject; ``hostile_legacy`` the same for legacy queues; ``valid_snapshots``
snapshots at the limits that must be accepted and stored. Each hostile body
comes with a label saying what it is, for the failure message.

Kinds of hostility: nesting past the depth limit in every field (and hidden
behind brackets inside strings and escapes), numbers out of range in every
numeric field (2**63, -2**63-1, 401 and 5,000 digits, 1e400, NaN and Infinity
literals), invalid UTF-8 and lone surrogates, unknown versions, wrong types in
every field, strings and lists past their limits, bodies of 5 to 9 MB, broken
JSON, random bytes, and byte-level mutations of valid bodies that still do not
validate.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import orjson

from suricate_desktop.schema import INT64_MAX, INT64_MIN, SchemaError, Snapshot, decode, encode
from suricate_desktop.schema.limits import (
    EXACT_INT,
    MAX_BUCKETS,
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_INTERVAL,
    MAX_KEY_PART,
    MAX_KEY_PARTS,
    MAX_NAME,
    MAX_RUN,
    MAX_STATS_FIELDS,
    MAX_TS,
)

HUGE_NUMBERS = [
    b"9223372036854775808",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"1" + b"0" * 400,
    b"-" + b"9" * 401,
    b"7" * 5000,
    b"1e400",
    b"-1e400",
    b"1e99999",
    b"NaN",
    b"-NaN",
    b"Infinity",
    b"-Infinity",
    b"nan",
    b"inf",
    b"0x10",
    b"1_000",
    b"+1",
    b"01",
    b".5",
    b"1.",
    b"1e",
    b"--1",
]
WRONG_TYPES = [
    b'"text"',
    b"null",
    b"true",
    b"false",
    b"[]",
    b"{}",
    b'{"a":1}',
    b"[1,2,3]",
    b'""',
    b"1.5",
    b"-1",
]
BAD_UTF8 = [
    b"\xff",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xe2\x82",
    b"\xf8\x88\x80\x80\x80",
    b"\x80",
    b"\xf4\x90\x80\x80",
]
LONE_SURROGATES = [b"\\ud800", b"\\udfff", b"\\ud83d", b"\\ud83dx"]
BAD_VERSIONS = [
    b"0",
    b"2",
    b"-1",
    b'"1"',
    b"1.0",
    b"1.5",
    b"true",
    b"null",
    b"[1]",
    b'{"v":1}',
    b"18446744073709551617",
    b"1" + b"0" * 400,
]
#: The fields of a body and a valid value for each, in the order a producer writes them.
FIELDS = ["v", "host", "source", "agg", "kind", "ts", "interval", "delta", "seq", "run", "entries"]


def base_message(rng: random.Random, kind: str | None = None) -> dict:
    """A valid message as a dict (JSON-ready), of a random kind."""
    kind = kind or rng.choice(["count", "sum", "avg", "max", "quantize", "hist", "lhist", "stats"])
    if kind in ("quantize", "hist", "lhist", "lquantize", "llquantize"):
        entries = [[[f"k{i}"], [[[0, 0], rng.randint(1, 9)], [[1, 1], 2], [[2, 3], 4]]] for i in range(3)]
    elif kind == "stats":
        entries = [[[f"k{i}", i], {"count": 3, "average": 5, "total": 15}] for i in range(2)]
    else:
        entries = [[[f"k{i}"], rng.randint(0, 1000)] for i in range(3)]
    return {
        "v": 1,
        "host": "web01",
        "source": "syscalls",
        "agg": "num",
        "kind": kind,
        "ts": 1.7e9,
        "interval": 1.0,
        "delta": True,
        "seq": rng.randint(1, 10**6),
        "run": "hostile",
        "entries": entries,
    }


def _splice(message: dict, path: tuple, raw: bytes) -> bytes:
    """The message as JSON with the value at ``path`` replaced by ``raw`` bytes (which need not be JSON)."""
    marker = "\x00SPLICE\x00"
    doc = orjson.loads(orjson.dumps(message))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return orjson.dumps(doc).replace(orjson.dumps(marker), raw)


def _numeric_paths(message: dict) -> list[tuple]:
    """Every place a number lives in the message: top-level fields, key parts, values, bounds, counts, stats."""
    paths: list[tuple] = [("v",), ("ts",), ("interval",), ("seq",)]
    kind = message["kind"]
    paths.append(("entries", 0, 0, 0))  # a key part
    if kind in ("quantize", "hist", "lhist", "lquantize", "llquantize"):
        paths += [("entries", 0, 1, 0, 0, 0), ("entries", 0, 1, 0, 0, 1), ("entries", 0, 1, 1, 1)]
    elif kind == "stats":
        paths += [("entries", 0, 1, "count"), ("entries", 1, 1, "average"), ("entries", 0, 1, "total")]
    else:
        paths.append(("entries", 0, 1))
    return paths


def _all_paths(message: dict) -> list[tuple]:
    """Every field and every container inside entries (for depth and wrong types)."""
    paths = [(f,) for f in FIELDS] + [("entries", 0), ("entries", 0, 0), ("entries", 1, 1)]
    return paths + _numeric_paths(message)[4:] + [("unknown",), ("x", "y")]


def _deep(rng: random.Random, depth: int) -> bytes:
    """Nesting ``depth`` levels deep, in one of several shapes (some hide behind strings and escapes)."""
    shape = rng.randrange(6)
    if shape == 0:
        return b"[" * depth + b"]" * depth
    if shape == 1:
        return b'{"a":' * depth + b"1" + b"}" * depth
    if shape == 2:  # closing brackets inside strings must not count
        return b'["]]]",' * depth + b"0" + b"]" * depth
    if shape == 3:  # escaped quotes and backslashes inside the strings
        return b'["\\"]\\\\",' * depth + b"0" + b"]" * depth
    if shape == 4:  # siblings between the levels
        return b'{"b":[],"a":' * depth + b"{}" + b"}" * depth
    return b"[" * depth  # never closed


def _add_unknown(message: dict, raw: bytes) -> bytes:
    return orjson.dumps(message)[:-1] + b',"extra":' + raw + b"}"


def hostile_bodies(seed: int, n: int, big: int = 0) -> Iterator[tuple[str, bytes]]:
    """``n`` bodies the desk must reject, ``big`` of them 5 to 9 MB, as (label, body)."""
    rng = random.Random(seed)
    makers = [
        _deep_body,
        _huge_number_body,
        _bad_utf8_body,
        _bad_version_body,
        _wrong_type_body,
        _past_limit_body,
        _broken_json_body,
        _mutated_body,
        _semantic_body,
    ]
    big_at = set(rng.sample(range(n), big)) if big else set()
    for i in range(n):
        if i in big_at:
            yield _big_body(rng)
        else:
            yield rng.choice(makers)(rng)


def _deep_body(rng):
    message = base_message(rng)
    depth = rng.choice(
        [MAX_DEPTH + 1, MAX_DEPTH + 5, 100, 1000, 5000, rng.choice([5000, 5000, 5000, 100_000])]
    )
    path = rng.choice(_all_paths(message))
    if path == ("unknown",):
        return f"deep {depth} in an unknown field", _add_unknown(message, _deep(rng, depth))
    if path == ("x", "y"):
        return f"deep {depth}, the whole body", _deep(rng, depth)
    return f"deep {depth} at {path}", _splice(message, path, _deep(rng, depth))


def _huge_number_body(rng):
    message = base_message(rng)
    path = rng.choice(_numeric_paths(message))
    number = rng.choice(HUGE_NUMBERS)
    return f"number {number[:12]!r} at {path}", _splice(message, path, number)


def _bad_utf8_body(rng):
    message = base_message(rng)
    path = rng.choice(
        [("host",), ("source",), ("agg",), ("run",), ("kind",), ("entries", 0, 0, 0), ("unknown",)]
    )
    junk = rng.choice(BAD_UTF8 + LONE_SURROGATES)
    raw = b'"we' + junk + b'b"'
    if path == ("unknown",):
        return f"bad UTF-8 {junk!r} in an unknown field", _add_unknown(message, raw)
    return f"bad UTF-8 {junk!r} at {path}", _splice(message, path, raw)


def _bad_version_body(rng):
    version = rng.choice(BAD_VERSIONS)
    return f"version {version[:12]!r}", _splice(base_message(rng), ("v",), version)


def _wrong_type_body(rng):
    message = base_message(rng)
    path = rng.choice(_all_paths(message)[:-2])
    raw = rng.choice(WRONG_TYPES)
    body = _splice(message, path, raw)
    try:  # a few replacements happen to be valid (a list for entries, -1 for a key part): not hostile
        decode(body)
    except SchemaError:
        return f"wrong type {raw!r} at {path}", body
    return f"wrong type {raw!r} at {path}, missing host", _splice(message, ("host",), b'""')


def _past_limit_body(rng):
    message = base_message(rng, rng.choice(["count", "hist", "stats"]))
    case = rng.randrange(9)
    if case in (4, 5) and rng.random() < 0.9:  # the costly ones (a body of about 1 MB), now and then
        case = 7
    if case == 0:
        name = rng.choice(["host", "source", "agg"])
        message[name] = "h" * (MAX_NAME + 1)
    elif case == 1:
        message["run"] = "r" * (MAX_RUN + 1)
    elif case == 2:
        message["entries"][0][0][0] = "s" * (MAX_KEY_PART + 1)
    elif case == 3:
        message["entries"][0][0] = list(range(MAX_KEY_PARTS + 1))
    elif case == 4:
        message["kind"] = "count"
        message["entries"] = [[[], 1]] * (MAX_ENTRIES + 1)
    elif case == 5:
        message["kind"] = "hist"
        message["entries"] = [[["k"], [[[0, 0], 1]] * (MAX_BUCKETS + 1)]]
    elif case == 6:
        message["kind"] = "stats"
        message["entries"] = [[["k"], {f"f{i}": 1 for i in range(MAX_STATS_FIELDS + 1)}]]
    elif case == 7:
        message["ts"] = rng.choice([MAX_TS + 1, 1e15, -1.0, -1e-9])
    else:
        message["interval"] = rng.choice([MAX_INTERVAL * 2, 1e300, -1.0])
    return f"past a limit (case {case})", orjson.dumps(message)


def _broken_json_body(rng):
    body = orjson.dumps(base_message(rng))
    case = rng.randrange(6)
    if case == 0:
        return "truncated", body[: rng.randrange(len(body) - 1)]
    if case == 1:
        return "random bytes", rng.randbytes(rng.randrange(1, 2000))
    if case == 2:
        return "empty", b""
    if case == 3:
        return "trailing garbage", body + b"}{"
    if case == 4:
        return "python literal", repr(orjson.loads(body)).encode()
    return "two bodies", body + body


def _mutated_body(rng):
    """Byte-level mutations of a valid body, kept only when they no longer validate."""
    body = bytearray(orjson.dumps(base_message(rng)))
    for _ in range(100):
        candidate = bytearray(body)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(candidate))
            op = rng.randrange(4)
            if op == 0:
                candidate[at] = rng.randrange(256)
            elif op == 1:
                candidate[at:at] = rng.choice([b"[", b"{", b"]", b"}", b'"', b"\\", b"\xff", b"9" * 30, b","])
            elif op == 2:
                del candidate[at : at + rng.randint(1, 5)]
            else:
                candidate[at:at] = candidate[max(0, at - 20) : at]
        try:
            decode(bytes(candidate))
        except SchemaError:
            return "mutated", bytes(candidate)
    return "mutated (gave up: truncated)", bytes(body[:-1])


def _semantic_body(rng):
    message = base_message(rng, rng.choice(["count", "hist", "stats"]))
    case = rng.randrange(6)
    if case == 0:
        message["kind"] = rng.choice(["median", "", "COUNT", "k" * 300])
    elif case == 1:
        message[rng.choice(["host", "source", "agg"])] = ""
    elif case == 2:
        message["kind"] = "hist"
        message["entries"] = [[["k"], [[[5, 1], 1]]]]
    elif case == 3:
        message["kind"] = "count"
        message["entries"] = [[["k"], [[[0, 1], 1]]]]
    elif case == 4:
        message["kind"] = "stats"
        message["entries"] = [[["k"], {"count": 1, "average": 2}]]
    else:
        del message[rng.choice(["v", "host", "source", "agg", "kind", "ts", "interval", "delta", "entries"])]
    return f"semantic (case {case})", orjson.dumps(message)


def _big_body(rng):
    """5 to 9 MB: over the limit, or under it with the fault at the very end (or deep inside)."""
    size = rng.randint(5_000_000, 9_000_000)
    message = base_message(rng, "count")
    entry = b'[["proc-12345"],123]'
    count = size // (len(entry) + 1)
    entries = b",".join([entry] * count)
    head = orjson.dumps(message).split(b'"entries":')[0] + b'"entries":['
    case = rng.randrange(3)
    if size > 8 * 1024 * 1024 or case == 0:
        return f"big {size} bytes, a bad value last", head + entries + b',[["x"],"bad"]]}'
    if case == 1:
        return f"big {size} bytes, deep at the end", head + entries + b"," + b"[" * 40 + b"]" * 40 + b"]}"
    return f"big {size} bytes, a number past int64 last", head + entries + b',[["x"],9223372036854775808]]}'


# -- legacy (the 2012 sender's str({key: value})) -------------------------------------------------------------------

LEGACY_HOSTILE = [
    b"__import__('os').system('touch /tmp/suricate-pwned')",
    b"{'a': __import__('os').getpid()}",
    b"{'a': open('/etc/passwd').read()}",
    b"{'a': (lambda: 1)()}",
    b"{'a': x}",
    b"{'a': 'a'.upper()}",
    b"{'a': [1]}",
    b"{'a': {'b': 1}}",
    b"{'a': 'text'}",
    b"{'a': None}",
    b"{'a': True}",
    b"{'a': 1j}",
    b"{'a': 1e400}",
    b"{'a': -1e400}",
    b"{'a': 9223372036854775808}",
    b"{'a': -9223372036854775809}",
    b"{'a': " + b"1" * 401 + b"}",
    b"{'a': " + b"9" * 5000 + b"}",
    b"{9223372036854775808: 1}",
    b"{1.5: 2}",
    b"{True: 1}",
    b"{None: 1}",
    b"{(1, (2, 3)): 1}",
    b"{frozenset(): 1}",
    b"{'a': 1, **x}",
    b"[1, 2]",
    b"{}",
    b"{",
    b"",
    b"\xff\xfe",
    b"{'\xff': 1}",
    b"{b'a' + b'b': 1}",
    b"{'a': 2 ** 64}",
    b"{'a': f'{1}'}",
    b"{'a': 1 if 1 else 2}",
    b"{'a': [i for i in range(10**9)]}",
    b"{'a': ...}",
    b"{'a': 0x7fffffffffffffffff}",
]


def hostile_legacy(seed: int, n: int) -> Iterator[tuple[str, bytes]]:
    """``n`` legacy bodies that must be rejected: code, names, calls, nesting, numbers out of range, bad bytes."""
    rng = random.Random(seed)
    for _ in range(n):
        case = rng.randrange(7)
        if case == 0:
            yield "fixed", rng.choice(LEGACY_HOSTILE)
        elif case == 1:
            depth = rng.choice([201, 1000, 20_000])
            yield f"nested {depth}", b"{'a': " + b"(" * depth + b"1" + b")" * depth + b"}"
        elif case == 2:
            depth = rng.choice([1000, 30_000, 60_000])
            yield f"unary chain {depth}", b"{'a': " + rng.choice([b"-", b"+", b"~", b"not "]) * depth + b"1}"
        elif case == 3:
            depth = rng.choice([2, 100, 5000])
            key = "1"
            for _ in range(depth):
                key = f"({key},)"
            yield f"nested key {depth}", f"{{{key}: 1}}".encode()
        elif case == 4:
            yield "over 64 KiB", b"{'a': " + b" " * 70_000 + b"1}"
        elif case == 5:
            yield "random bytes", rng.randbytes(rng.randrange(1, 500))
        else:
            yield "too many key parts", f"{{{tuple(range(MAX_KEY_PARTS + 1))!r}: 1}}".encode()


def valid_legacy(rng: random.Random) -> tuple[bytes, list]:
    """A legacy body that must be accepted, and the entries it must give."""
    key = rng.choice([b"bash", "sshd", ("nginx", 42), (b"x", -7)])
    value = rng.choice([0, 12, -3, 2.5, INT64_MAX, INT64_MIN])
    parts = key if isinstance(key, tuple) else (key,)
    expected_key = [p.decode() if isinstance(p, bytes) else p for p in parts]
    expected_value = float(value) if type(value) is int and abs(value) > EXACT_INT else value
    return repr({key: value}).encode(), [expected_key, expected_value]


# -- valid snapshots at the edges ------------------------------------------------------------------------------------


def valid_snapshots(seed: int, n: int, run: str) -> list[Snapshot]:
    """``n`` valid snapshots (seq 1..n of ``run``), many at the edge of a limit, all of which must be stored."""
    rng = random.Random(seed)
    out = []
    for seq in range(1, n + 1):
        kind = rng.choice(["count", "sum", "avg", "max", "quantize", "lhist", "stats"])
        host = rng.choice(["web01", "h" * MAX_NAME, "hôte-é", "日本"])
        key_part = rng.choice(
            ["bash", "", "s" * rng.choice([10, MAX_KEY_PART]), '"]}[{\\', INT64_MAX, INT64_MIN]
        )
        key = [key_part] * rng.choice([1, 2, MAX_KEY_PARTS]) if key_part != "s" * MAX_KEY_PART else [key_part]
        number = rng.choice([0, 1, -1, EXACT_INT, -EXACT_INT, 1.5, 1e308, -1e308, 5e-324])
        if kind in ("quantize", "lhist"):
            count = rng.choice([1, EXACT_INT, 7])
            entries = [[key, [[[INT64_MIN, -1], count], [[0, 0], 1], [[1, INT64_MAX], 2]]]]
        elif kind == "stats":
            entries = [[key, {"count": rng.choice([0, EXACT_INT]), "average": number, "total": number}]]
        else:
            entries = [[key, number]] + [[[f"k{i}"], i] for i in range(rng.choice([0, 1, 50]))]
        ts = rng.choice([0.0, 1.7e9 + seq, MAX_TS, 4102444800.5])
        interval = rng.choice([0.0, 1.0, MAX_INTERVAL, 0.001])
        out.append(
            Snapshot(
                host,
                "edge",
                rng.choice(["num", "@", "a" * MAX_NAME]),
                kind,
                ts,
                interval,
                rng.random() < 0.5,
                entries,
                seq,
                run,
            )
        )
    return out


def valid_bodies(snapshots: list[Snapshot], rng: random.Random) -> list[bytes]:
    """Their bodies, some with harmless unknown fields (nested up to the limit) as a newer agent might add."""
    out = []
    for snap in snapshots:
        body = encode(snap)
        if rng.random() < 0.2:
            depth = MAX_DEPTH - 1  # the body's own object is the first level
            body = body[:-1] + b',"future":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
        out.append(body)
    return out
