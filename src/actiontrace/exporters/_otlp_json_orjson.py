"""``SpanLineEncoder`` with orjson escaping its long strings: the same bytes, faster.

Installed with the ``fast`` extra and chosen by ``JsonlSpanExporter`` whenever orjson
imports. Measured before choosing (``bench/jsonl_throughput.py``): handing orjson the
whole span as dicts and lists costs more in building those objects than the standard
encoder spends assembling its text, and for short strings the ``json`` module's C escaper
is as quick as orjson. What orjson wins is the long literals (captured inputs and
outputs, message contents): about five times quicker than ``_long_string`` on 1 KB of
prose, and it does not fall back to the slower escaper on non-ASCII text or control
characters. So the standard encoder keeps the structure, the floats (``repr``), the
truncation and everything else, and only its long-string escaper is replaced.

orjson escapes exactly as ``json.encoder.encode_basestring`` does (quotes, backslashes,
``\\b\\f\\n\\r\\t``, ``\\u00XX`` for the other control characters, every other character,
U+2028/U+2029 included, as itself); ``tests/exporters/test_jsonl_orjson.py`` checks every
code point's literal and a corpus of whole spans byte for byte. It refuses lone
surrogates: that one literal then goes to the standard escaper, whose text the encoder
re-escapes at the end as it always has.
"""

from __future__ import annotations

import orjson

from ._otlp_json import SpanLineEncoder, _q

_dumps = orjson.dumps


def _orjson_long_string(s: str) -> str:
    """The same JSON literal as ``_q(s)``, built by orjson."""
    try:
        return _dumps(s).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, which orjson will not write
        return _q(s)


class OrjsonSpanLineEncoder(SpanLineEncoder):
    """``SpanLineEncoder`` whose literals of ``_LONG`` characters or more orjson escapes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._long = _orjson_long_string
