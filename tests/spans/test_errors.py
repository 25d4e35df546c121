"""User exceptions pass through untouched; failures inside tracing never reach the user."""

from __future__ import annotations

import logging
import traceback

import pytest
from opentelemetry.trace import StatusCode

import actiontrace


class QuotaExceeded(Exception):
    pass


def test_exception_is_the_same_object_with_its_traceback(spans):
    raised = QuotaExceeded("over quota")

    @actiontrace.tool
    def call_api():
        raise raised

    with pytest.raises(QuotaExceeded) as info:
        call_api()
    assert info.value is raised
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert frames[-1] == "call_api"
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == f"{__name__}.QuotaExceeded"
    (event,) = span.events
    assert event.name == "exception"
    assert event.attributes["exception.message"] == "over quota"


async def test_async_exception_passes_through(spans):
    @actiontrace.agent
    async def agent():
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        await agent()
    (span,) = spans.get_finished_spans()
    assert span.attributes["error.type"] == "ValueError"


def test_keyboard_interrupt_and_system_exit_pass_through(spans):
    @actiontrace.action
    def stop():
        raise SystemExit(3)

    with pytest.raises(SystemExit) as info:
        stop()
    assert info.value.code == 3
    (span,) = spans.get_finished_spans()
    assert span.attributes["error.type"] == "SystemExit"


class Hostile:
    def __repr__(self):
        raise RuntimeError("repr refuses")

    def __str__(self):
        raise RuntimeError("str refuses")

    def __eq__(self, other):
        raise RuntimeError("eq refuses")

    __hash__ = object.__hash__


def test_hostile_arguments_never_break_the_call(spans, caplog):
    caplog.set_level(logging.WARNING, logger="actiontrace")

    @actiontrace.tool
    def takes(obj, other=None):
        return obj

    h = Hostile()
    assert takes(h, other={"k": h}) is h
    (span,) = spans.get_finished_spans()
    assert "repr failed" in span.attributes["actiontrace.input"]
    assert span.attributes["actiontrace.output"].startswith('"<Hostile object (repr failed)>')


def test_failing_exception_str_does_not_break(spans):
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no str")

    @actiontrace.action
    def raise_weird():
        raise Weird()

    with pytest.raises(Weird):
        raise_weird()
    (span,) = spans.get_finished_spans()
    assert span.end_time is not None
