"""A tiny second provider for the GenAI call core's tests: a fake SDK ("echo": a client whose
``messages.create`` answers with the prompt) and its instrumentation, written against the
core's API the way instrumentation/openai is. Nothing here stands in for our own code."""

from __future__ import annotations

from typing import Any

import wrapt
from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.instrumentation.utils import _SUPPRESS_HTTP_INSTRUMENTATION_KEY, unwrap

from actiontrace import _vocabulary as A
from actiontrace.genai._call import Provider, capture_switch, server_of
from actiontrace.genai._messages import message, text_part
from actiontrace.genai._metrics import Recorder
from actiontrace.genai._outcome import Outcome
from actiontrace.genai._streams import ResultTypes, StreamAccumulator
from actiontrace.genai._tokens import Usage
from actiontrace.genai._wrappers import async_wrapper, sync_wrapper

SCOPE = "actiontrace.instrumentation.echo"


# --- the fake SDK ---------------------------------------------------------------

class EchoError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


class Reply:
    def __init__(self, model: str, text: str, usage: dict | None) -> None:
        self.id, self.model, self.text, self.usage = "reply-1", model, text, usage


class Chunk:
    def __init__(self, text: str, usage: dict | None = None) -> None:
        self.text, self.usage = text, usage


class HTTPResponse:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class _Chunks:
    def __init__(self, chunks: list, fail_after: int | None = None) -> None:
        self._chunks, self._fail_after, self._given = list(chunks), fail_after, 0
        self.response = HTTPResponse()

    def _next(self) -> Chunk | None:
        if self._fail_after is not None and self._given >= self._fail_after:
            raise ConnectionError("stream broke")
        if not self._chunks or self.response.closed:
            return None
        self._given += 1
        return self._chunks.pop(0)


class Stream(_Chunks):
    """SDK-style stream: iterates chunks, closable, a context manager, with its ``.response``."""

    def __iter__(self) -> "Stream":
        return self

    def __next__(self) -> Chunk:
        chunk = self._next()
        if chunk is None:
            raise StopIteration
        return chunk

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncStream(_Chunks):
    def __aiter__(self) -> "AsyncStream":
        return self

    async def __anext__(self) -> Chunk:
        chunk = self._next()
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def close(self) -> None:
        self.response.close()


class RawResponse:
    """``with_raw_response``: headers now, the parsed reply from ``parse()``."""

    def __init__(self, reply: Reply) -> None:
        self.headers = {"x-request-id": "req-1"}
        self._reply = reply

    def parse(self) -> Reply:
        return self._reply


def _chunks(prompt: str) -> list:
    words = prompt.split()
    return [Chunk(w) for w in words] + [Chunk("", {"input": len(words), "output": len(words)})]


class Messages:
    def __init__(self, client: "Client") -> None:
        self._client = client
        self.seen_http_suppressed: list = []
        self.seen_current: list = []  # the current span's name inside each call

    def create(self, *, model: str, prompt: str, stream: bool = False, usage: dict | None = None,
               fail: BaseException | None = None, raw: bool = False, fail_after: int | None = None,
               **_: Any) -> Any:
        self.seen_http_suppressed.append(bool(context_api.get_value(_SUPPRESS_HTTP_INSTRUMENTATION_KEY)))
        self.seen_current.append(getattr(trace.get_current_span(), "name", None))
        if fail is not None:
            raise fail
        if stream:
            return Stream(_chunks(prompt), fail_after)
        reply = Reply(f"{model or 'echo-default'}-2025", prompt, usage)
        return RawResponse(reply) if raw else reply

    def create_twice_inside(self, **kwargs: Any) -> Any:
        """A helper that calls another instrumented method: one API call, one span."""
        return self.create(**kwargs)


class AsyncMessages:
    def __init__(self, client: "AsyncClient") -> None:
        self._client = client

    async def create(self, *, model: str, prompt: str, stream: bool = False, **_: Any) -> Any:
        if stream:
            return AsyncStream(_chunks(prompt))
        return Reply(model, prompt, {"input": 1, "output": 1})


class Client:
    def __init__(self, base_url: str = "https://echo.example:8443/v1", tenant: str = "t-1") -> None:
        self.base_url, self.tenant = base_url, tenant
        self.messages = Messages(self)


class AsyncClient(Client):
    def __init__(self) -> None:
        super().__init__()
        self.messages = AsyncMessages(self)  # type: ignore[assignment]


# --- its instrumentation over the core ---------------------------------------------

def usage_of(raw: dict | None) -> Usage | None:
    """Echo reports input without the cached parts, as some vendors do: the core wants them in."""
    if not raw:
        return None
    read, written = raw.get("cache_read", 0), raw.get("cache_write", 0)
    return Usage(raw["input"] + read + written, raw["output"], cache_read_input_tokens=raw.get("cache_read"),
                 cache_creation_input_tokens=raw.get("cache_write"), reasoning_tokens=raw.get("reasoning"))


class EchoAccumulator(StreamAccumulator):
    def __init__(self) -> None:
        self.text: list[str] = []
        self.usage: Usage | None = None

    def add(self, chunk: Chunk) -> None:
        self.text.append(chunk.text)
        if chunk.usage:
            self.usage = usage_of(chunk.usage)

    def outcome(self, capture: bool) -> Outcome:
        attrs: dict[str, Any] = {}
        if capture:
            attrs[A.GEN_AI_OUTPUT_MESSAGES] = [message("assistant", [text_part(" ".join(self.text).strip())],
                                                       "stop" if self.usage else "error")]
        return Outcome(attrs, self.usage)


class EchoChat:
    operation_name = "chat"

    def request_attributes(self, kwargs: dict, capture: bool) -> dict[str, Any]:
        attrs: dict[str, Any] = {A.GEN_AI_REQUEST_STREAM: bool(kwargs.get("stream"))}
        if capture:
            attrs[A.GEN_AI_INPUT_MESSAGES] = [message("user", [text_part(kwargs.get("prompt", ""))])]
        return attrs

    def response_outcome(self, response: Reply, capture: bool) -> Outcome:
        attrs: dict[str, Any] = {A.GEN_AI_RESPONSE_ID: response.id, A.GEN_AI_RESPONSE_MODEL: response.model,
                                 A.GEN_AI_RESPONSE_FINISH_REASONS: ["stop"]}
        if capture:
            attrs[A.GEN_AI_OUTPUT_MESSAGES] = [message("assistant", [text_part(response.text)], "stop")]
        return Outcome(attrs, usage_of(response.usage), response.model)

    def stream_accumulator(self) -> EchoAccumulator:
        return EchoAccumulator()


class EchoProvider(Provider):
    label = "Echo"
    result_types = ResultTypes(streams=(Stream,), async_streams=(AsyncStream,), raw_responses=(RawResponse,))

    def name(self, client: Client) -> str:
        return "echo"

    def server(self, client: Client) -> tuple[str | None, int | None]:
        return server_of(client.base_url)

    def start_attributes(self, client: Client, kwargs: dict) -> dict[str, Any] | None:
        return {"echo.tenant": client.tenant}


_TARGETS = ((Messages, "create", sync_wrapper), (Messages, "create_twice_inside", sync_wrapper),
            (AsyncMessages, "create", async_wrapper))


class EchoInstrumentation:
    """instrument()/uninstrument() as a provider package would write them."""

    def __init__(self) -> None:
        self.provider = EchoProvider()
        self.operation = EchoChat()

    def instrument(self, *, tracer_provider: Any = None, meter_provider: Any = None, capture_content: Any = True,
                   suppress_http: bool = True) -> None:
        self.provider.enable(tracer=trace.get_tracer(SCOPE, "0.1", tracer_provider=tracer_provider),
                             capture=capture_switch(capture_content), metrics=Recorder(meter_provider),
                             suppress_http=suppress_http)
        for cls, method, factory in _TARGETS:
            wrapt.wrap_function_wrapper(cls, method, factory(self.provider, self.operation))

    def uninstrument(self) -> None:
        self.provider.disable()
        for cls, method, _ in _TARGETS:
            unwrap(cls, method)
