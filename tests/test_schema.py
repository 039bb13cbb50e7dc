"""The message schema: what goes on the wire comes back the same; bad input gets a precise error."""

import orjson
import pytest

from suricate_desktop.schema import (
    INT64_MAX,
    INT64_MIN,
    SchemaError,
    Snapshot,
    decode,
    decode_legacy,
    encode,
    routing_key,
)


def snap(**kw):
    base = dict(
        host="web01",
        source="syscalls",
        agg="num",
        kind="count",
        ts=1700000000.5,
        interval=1.0,
        delta=True,
        entries=[[["bash"], 12], [["sshd", 42], 3]],
        seq=7,
        run="abc",
    )
    base.update(kw)
    return Snapshot(**base)


def body(**kw):
    msg = orjson.loads(encode(snap()))
    for k, v in kw.items():
        if v is ...:
            del msg[k]
        else:
            msg[k] = v
    return orjson.dumps(msg)


@pytest.mark.parametrize(
    "s",
    [
        snap(),
        snap(
            kind="quantize",
            entries=[[["bash"], [[[INT64_MIN, -1], 0], [[0, 0], 1], [[1, 1], 5], [[2, 3], 9]]]],
        ),
        snap(kind="lquantize", entries=[[[], [[[0, 1], 2], [[12, INT64_MAX], 1]]]]),
        snap(kind="stats", entries=[[["bash"], {"count": 2, "average": 15, "total": 30}]]),
        snap(kind="avg", delta=False, entries=[[[4096], 3.25]]),
    ],
)
def test_round_trip(s):
    back = decode(encode(s))
    # Entries come back as tuples (msgspec's shape for fixed-length arrays): the same values.
    assert encode(back) == encode(s)
    assert (back.host, back.kind, back.ts, back.delta, back.seq, back.run) == (
        s.host,
        s.kind,
        s.ts,
        s.delta,
        7,
        "abc",
    )


def test_routing_key_keeps_three_words():
    assert routing_key("web01.example.com", "io#top", "*") == "web01_example_com.io_top._"
    assert snap().routing_key == "web01.syscalls.num"


@pytest.mark.parametrize(
    "raw, field, words",
    [
        (b"not json", "", "not JSON"),
        (b"[1, 2]", "", "expected a JSON object, got a list"),
        (body(v=2), "v", "unsupported schema version 2"),
        (body(v="1"), "v", "unsupported schema version '1'"),
        (body(host=...), "host", "missing field"),
        (body(host=""), "host", "non-empty string"),
        (body(kind="median"), "kind", "unknown kind 'median'"),
        (body(ts="now"), "ts", "expected a number, got a string"),
        (body(delta=1), "delta", "expected true or false, got an integer"),
        (body(entries={"bash": 1}), "entries", "expected a list, got a JSON object"),
        (body(entries=[["bash", 1]]), "entries[0][0]", "expected a list, got a string"),
        (
            body(entries=[[["bash"], "12"]]),
            "entries[0][1]",
            "expected a number, [[low, high], count] buckets",
        ),
        (
            body(entries=[[["bash"], [[[0, 1], 2]]]]),
            "entries[0][1]",
            "a count value must be a number, got list",
        ),
        (
            body(entries=[[["bash"], 1], [[{"x": 1}], 1]]),
            "entries[1][0][0]",
            "expected a key part (a string or integer)",
        ),
        (
            body(kind="quantize", entries=[[["bash"], [[[4, 1], 3]]]]),
            "entries[0][1][0]",
            "low 4 is above high 1",
        ),
        (
            body(kind="quantize", entries=[[["bash"], [[4, 3]]]]),
            "entries[0][1][0][0]",
            "expected a list, got an integer",
        ),
        (
            body(kind="quantize", entries=[[["bash"], 3]]),
            "entries[0][1]",
            "a quantize value must be [[[low, high], count], ...]",
        ),
        (
            body(kind="stats", entries=[[["bash"], {"count": 1}]]),
            "entries[0][1].average",
            "expected a number",
        ),
    ],
)
def test_malformed_messages_name_the_field(raw, field, words):
    with pytest.raises(SchemaError) as err:
        decode(raw)
    assert err.value.field == field
    assert words in str(err.value)


def test_size_limit_is_checked_before_parsing():
    with pytest.raises(SchemaError, match="exceeds the 100-byte limit"):
        decode(b"{" + b" " * 200 + b"}", max_bytes=100)


def test_legacy_bodies_as_the_2012_sender_sent_them():
    s = decode_legacy(str({"bash": 264}).encode(), host="smartos1")
    assert (s.host, s.kind, s.delta, s.entries) == ("smartos1", "count", True, [[["bash"], 264]])
    s = decode_legacy(str({b"wnck-applet": 5}).encode())  # python 3's bytes keys
    assert s.entries == [[["wnck-applet"], 5]]
    s = decode_legacy(str({(b"bash", 42): 3}).encode())
    assert s.entries == [[["bash", 42], 3]]


@pytest.mark.parametrize(
    "raw",
    [
        b"__import__('os').system('touch /tmp/suricate-pwned')",
        b"{'a': __import__('os').getpid()}",
        b"{'a': 'text'}",
        b"[1, 2]",
        b"{",
    ],
)
def test_legacy_never_evaluates(raw, tmp_path):
    with pytest.raises(SchemaError):
        decode_legacy(raw)
