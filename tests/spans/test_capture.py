"""Serialisation of captured arguments and results: safe, bounded, valid JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from collections import OrderedDict, deque

import pytest

import actiontrace
from actiontrace.spans._capture import settings, to_json


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    y: int
    label: str = "p"


def test_common_types():
    value = {
        "when": dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.timezone.utc),
        "day": dt.date(2024, 1, 15),
        "wait": dt.timedelta(seconds=1.5),
        "color": Color.RED,
        "point": Point(1, 2),
        "raw": b"\x00\x01hi",
        "tags": {"b"},
        "frozen": frozenset(),
        "tuple": (1, 2),
        "queue": deque([1]),
        "ordered": OrderedDict(a=1),
        "none": None,
        "nan": float("nan"),
        "inf": float("inf"),
        "id": uuid.UUID(int=1),
        7: "int key",
    }
    out = json.loads(to_json(value))
    assert out["when"] == "2024-01-15T10:30:00+00:00"
    assert out["day"] == "2024-01-15"
    assert out["wait"] == 1.5
    assert out["color"] == "red"
    assert out["point"] == {"x": 1, "y": 2, "label": "p"}
    assert out["raw"] == "base64:AAFoaQ=="
    assert out["tags"] == ["b"] and out["frozen"] == [] and out["tuple"] == [1, 2] and out["queue"] == [1]
    assert out["ordered"] == {"a": 1}
    assert out["none"] is None and out["nan"] == "nan" and out["inf"] == "inf"
    assert out["id"] == "00000000-0000-0000-0000-000000000001"
    assert out["7"] == "int key"


class Level(str, enum.Enum):
    HIGH = "high"


class Rank(enum.IntEnum):
    FIRST = 1


def test_value_types_are_recorded_in_their_plain_forms():
    import decimal
    import ipaddress
    import pathlib

    uid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    value = {
        "id": uid,
        "price": decimal.Decimal("1.5"),
        "exact": decimal.Decimal("0.10"),
        "path": pathlib.Path("/tmp/report.csv"),
        "pure": pathlib.PureWindowsPath("C:/data/x.txt"),
        "ip4": ipaddress.ip_address("10.0.0.1"),
        "ip6": ipaddress.ip_address("::1"),
        "net": ipaddress.ip_network("10.0.0.0/8"),
        "iface": ipaddress.ip_interface("192.168.1.5/24"),
        "time": dt.time(9, 30),
        "level": Level.HIGH,
        "rank": Rank.FIRST,
        "ids": [uid],
        uid: "uuid key",
        Level.HIGH: "enum key",
        pathlib.Path("/k"): "path key",
    }
    out = json.loads(to_json(value))
    assert out["id"] == "12345678-1234-5678-1234-567812345678"
    assert out["price"] == "1.5" and out["exact"] == "0.10"
    assert out["path"] == "/tmp/report.csv" and out["pure"] == "C:\\data\\x.txt"
    assert out["ip4"] == "10.0.0.1" and out["ip6"] == "::1" and out["net"] == "10.0.0.0/8"
    assert out["iface"] == "192.168.1.5/24"
    assert out["time"] == "09:30:00"
    assert out["level"] == "high" and out["rank"] == 1
    assert out["ids"] == ["12345678-1234-5678-1234-567812345678"]
    assert out["12345678-1234-5678-1234-567812345678"] == "uuid key"
    assert out["high"] == "enum key" and out["/k"] == "path key"
    # at the top level too, and a subclass of one of these types
    assert json.loads(to_json(decimal.Decimal("2.50"))) == "2.50"

    class Tagged(uuid.UUID):
        pass

    assert json.loads(to_json(Tagged(int=2))) == "00000000-0000-0000-0000-000000000002"
    assert json.loads(to_json(Level.HIGH)) == "high"


def test_a_value_type_whose_str_raises_is_still_recorded():
    import decimal

    class Bad(decimal.Decimal):
        def __str__(self):
            raise RuntimeError("no")

    out = json.loads(to_json({"x": Bad("1"), "y": 2}))
    assert out["y"] == 2 and out["x"].startswith("<unserialisable")


def test_top_level_nan_and_simple_values():
    assert to_json(float("nan")) == '"nan"'
    assert to_json(3) == "3"
    assert to_json("x") == '"x"'
    assert to_json(None) == "null"


def test_pydantic_models_without_importing_pydantic():
    pydantic = pytest.importorskip("pydantic")

    class User(pydantic.BaseModel):
        name: str
        joined: dt.date

    out = json.loads(to_json({"user": User(name="ada", joined=dt.date(2020, 1, 1))}))
    assert out == {"user": {"name": "ada", "joined": "2020-01-01"}}


def test_cycles_are_marked():
    a: dict = {"name": "a"}
    a["self"] = a
    lst: list = [1]
    lst.append(lst)
    out = json.loads(to_json({"a": a, "l": lst}))
    assert out["a"]["self"] == "[cycle]"
    assert out["l"][1] == "[cycle]"


def test_shared_references_are_not_cycles():
    shared = {"k": 1}
    out = json.loads(to_json([shared, shared]))
    assert out == [{"k": 1}, {"k": 1}]


def test_depth_limit():
    deep: dict = {}
    node = deep
    for _ in range(50):
        node["n"] = {}
        node = node["n"]
    out = to_json(deep)
    assert "[max depth: dict]" in out
    json.loads(out)


def test_huge_string_truncated_into_valid_json_with_original_size():
    out = to_json({"doc": "x" * 5_000_000})
    assert len(out) <= settings.max_bytes + 256
    parsed = json.loads(out)
    assert parsed["doc"].endswith("…[truncated: 5000000 chars]")


def test_huge_list_and_dict_bounded_with_item_counts():
    out = to_json(list(range(1_000_000)))
    parsed = json.loads(out)
    assert parsed[-1] == "…[truncated: 1000000 items]"
    assert len(parsed) == settings.max_items + 1
    big = {f"k{i}": "v" * 100 for i in range(10_000)}
    parsed = json.loads(to_json(big))
    assert parsed["…"] == "…[truncated: 10000 items]"
    assert len(to_json(big)) <= settings.max_bytes + 256


def test_many_medium_strings_respect_the_byte_budget():
    value = ["y" * 1500 for _ in range(40)]
    out = to_json(value)
    assert len(out) <= settings.max_bytes + 256
    json.loads(out)


def test_huge_bytes():
    out = json.loads(to_json(b"\xff" * 10_000_000))
    assert out.endswith("…[truncated: 10000000 bytes]")


def test_generators_and_iterators_are_not_consumed():
    gen = (i for i in range(3))
    out = to_json({"g": gen})
    assert "generator" in out
    assert list(gen) == [0, 1, 2]


def test_explicit_byte_budget():
    out = to_json({"a": "z" * 1000}, max_bytes=100)
    assert len(out) <= 100 + 256
    json.loads(out)


def test_per_decorator_capture_switches_and_exclusion(spans):
    @actiontrace.tool(capture=False)
    def silent(password):
        return "secret result"

    @actiontrace.tool(capture="input", exclude=["token"])
    def partial(query, token):
        return "result"

    @actiontrace.action(capture="output")
    def output_only(x):
        return x

    silent("p")
    partial("q", token="t")
    output_only(5)
    s1, s2, s3 = spans.get_finished_spans()
    assert "actiontrace.input" not in s1.attributes and "actiontrace.output" not in s1.attributes
    assert s2.attributes["actiontrace.input"] == '{"query":"q"}'
    assert "actiontrace.output" not in s2.attributes
    assert "actiontrace.input" not in s3.attributes and s3.attributes["actiontrace.output"] == "5"


def test_global_capture_switch(spans):
    @actiontrace.tool
    def f(x):
        return x

    settings.enabled = False
    try:
        f(1)
    finally:
        settings.enabled = True
    f(2)
    off, on = spans.get_finished_spans()
    assert "actiontrace.input" not in off.attributes
    assert on.attributes["actiontrace.input"] == '{"x":2}'


def test_varargs_and_kwargs_are_bound(spans):
    @actiontrace.action
    def f(a, *rest, **extra):
        return None

    f(1, 2, 3, flag=True)
    (span,) = spans.get_finished_spans()
    assert json.loads(span.attributes["actiontrace.input"]) == {"a": 1, "rest": [2, 3], "flag": True}


def test_sensitive_keys_redacted_during_capture(spans):
    @actiontrace.tool
    def login(user, password, options):
        return {"session_token": "abc123", "ok": True}

    login("ada", "hunter2", {"api_key": "k-1", "max_tokens": 5, "author": "me"})
    (span,) = spans.get_finished_spans()
    captured = span.attributes["actiontrace.input"]
    assert "hunter2" not in captured and "k-1" not in captured
    parsed = json.loads(captured)
    assert parsed["user"] == "ada"
    assert parsed["password"].startswith("[REDACTED:")
    assert parsed["options"]["api_key"].startswith("[REDACTED:")
    assert parsed["options"]["max_tokens"] == 5 and parsed["options"]["author"] == "me"
    assert "abc123" not in span.attributes["actiontrace.output"]


def test_plain_json_fast_path_matches_the_walker():
    from actiontrace.spans._capture import _dumps, _Walker

    values = [
        [{"role": "user", "parts": [{"type": "text", "content": "hi"}]}, {"role": "assistant", "n": 2.5}],
        {"a": {"b": {"c": [1, True, None, "x"]}}},
        ("t", 1),
        {"deep": [[[[[[["too deep"]]]]]]]},  # beyond max_depth: the walker's marker
        {"nested": {"config": {"api_key": "k-1"}}},  # a sensitive key deep down: redacted
        [float("inf")],
    ]
    for value in values:
        assert to_json(value) == _dumps(_Walker(settings, settings.max_bytes).walk(value, 0)), value
    assert "k-1" not in to_json(values[4])


def test_the_fast_path_writes_what_the_json_module_writes():
    # The fast path runs the json module's C encoder directly: same text, character for character.
    values = [
        {"query": "weather in Paris", "limit": 3},
        {"é": "naïve \u2028 \x00 \t \"quoted\" \\ 🙂", "": ""},
        [0.1, -0.0, 1e300, 2.5e-8, 10**30, -7, True, False, None],
        {"empty": [{}, [], ()], "tuple": (1, ("a",))},
        "a top-level string", 42, None,
    ]
    for value in values:
        assert to_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@pytest.mark.parametrize("offset", [-20, -1, 0, 1, 20])
def test_a_long_string_is_redacted_before_it_is_cut(offset):
    # A secret that straddles the cut: cutting first would leave a prefix no rule recognises
    # any more, which then reaches the exporter as is.
    secret = "sk-proj-" + "Qw3rTy9Uiop2Asdf5Ghjk8Lzxc1Vbnm4" * 2
    cut_at = settings.max_string + offset
    text = "x" * (cut_at - len(secret) // 2) + " " + secret + " " + "y" * 4000
    out = json.loads(to_json({"note": text}))["note"]
    assert out.endswith(f"…[truncated: {len(text)} chars]")
    assert "[REDACTED:" in out  # the marker itself may be cut
    for n in range(12, len(secret) + 1):
        assert secret[:n] not in out, f"{n} characters of the secret survived the cut"
