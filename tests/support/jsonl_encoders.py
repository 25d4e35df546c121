"""Run a JSONL test module with both encoders: import ``encoder`` (an autouse fixture) and
build exporters with ``exporter``, which takes the encoder of the test being run."""

from __future__ import annotations

import pytest

from actiontrace.exporters import JsonlSpanExporter

_current = ["auto"]


@pytest.fixture(autouse=True, params=["json", "orjson"])
def encoder(request):
    """The standard library's encoder, then orjson's (the ``fast`` extra)."""
    if request.param == "orjson":
        pytest.importorskip("orjson")
    _current[0] = request.param
    yield request.param
    _current[0] = "auto"


def exporter(path, **kw) -> JsonlSpanExporter:
    return JsonlSpanExporter(path, encoder=_current[0], **kw)
