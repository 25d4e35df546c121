"""Mistakes a type checker must catch through actiontrace's public API. Each line that
holds one ends with a comment ``E: <the error mypy reports for it>``; test_typing.py checks that
mypy reports exactly these errors, on exactly these lines, and nothing else.
This file is only type-checked, never run."""

from __future__ import annotations

from typing import Iterator

import actiontrace


@actiontrace.tool
def search_database(query: str, limit: int = 10) -> str:
    return query


@actiontrace.tool(name="weather")
async def fetch_weather(city: str) -> dict[str, int]:
    return {"temp": 18}


@actiontrace.agent
def words(text: str) -> Iterator[str]:
    yield from text.split()


class Shop:
    @actiontrace.tool
    def lookup(self, sku: str) -> float:
        return 9.5

    @actiontrace.tool
    @classmethod
    def create(cls, name: str) -> Shop:
        return cls()

    @actiontrace.tool
    @staticmethod
    def price(sku: str) -> float:
        return 2.0


@actiontrace.record_action("summarise")
def summarise(text: str) -> int:
    return len(text)


async def mistakes() -> None:
    r: int = search_database("x")  # E: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
    search_database(123)  # E: Argument 1 to "search_database" has incompatible type "int"; expected "str"  [arg-type]
    search_database("x", lmit=3)  # E: Unexpected keyword argument "lmit" for "search_database"; did you mean "limit"?  [call-arg]
    t: int = (await fetch_weather("Paris"))["temp"] + "C"  # E: Unsupported operand types for + ("int" and "str")  [operator]
    for word in words("a b"):
        word + 1  # E: Unsupported operand types for + ("str" and "int")  [operator]
    Shop().lookup(1)  # E: Argument 1 to "lookup" of "Shop" has incompatible type "int"; expected "str"  [arg-type]
    Shop.create(5)  # E: Argument 1 to "create" of "Shop" has incompatible type "int"; expected "str"  [arg-type]
    p: str = Shop.price("sku")  # E: Incompatible types in assignment (expression has type "float", variable has type "str")  [assignment]
    s: str = summarise("x")  # E: Incompatible types in assignment (expression has type "int", variable has type "str")  [assignment]


def misused_decorators() -> None:
    actiontrace.tool(nme="typo")  # E: No overload variant of "tool" matches argument type "str"  [call-overload]
    actiontrace.tool(capture="inputs")  # E: No overload variant of "tool" matches argument type "str"  [call-overload]
    actiontrace.agent(max_iterations="5")  # E: No overload variant of "agent" matches argument type "str"  [call-overload]
    actiontrace.llm(model=4)  # E: No overload variant of "llm" matches argument type "int"  [call-overload]


def other_entry_points() -> None:
    actiontrace.span(42)  # E: Argument 1 to "span" has incompatible type "int"; expected "str"  [arg-type]
    actiontrace.session(user_id=5)  # E: Argument "user_id" to "session" has incompatible type "int"; expected "str | None"  [arg-type]
    with actiontrace.session() as session:
        session.idd  # E: "session" has no attribute "idd"; maybe "id"?  [attr-defined]
    actiontrace.configure(jsonl_path=5)  # E: Argument "jsonl_path" to "configure" has incompatible type "int"; expected "str | PathLike[str] | None"  [arg-type]
    actiontrace.confgure()  # E: Module has no attribute "confgure"; maybe "configure"?  [attr-defined]
    actiontrace.record_usage(input_tokens="10")  # E: Argument "input_tokens" to "record_usage" has incompatible type "str"; expected "int | None"  [arg-type]
    actiontrace.track_action(action_name=1)  # E: Argument "action_name" has incompatible type "int"; expected "str"  [arg-type]
    actiontrace.record_action(5)  # E: Argument 1 to "record_action" has incompatible type "int"; expected "str"  [arg-type]
    actiontrace.ActionTracer(max_entries="10")  # E: Argument "max_entries" to "ActionTracer" has incompatible type "str"; expected "int"  [arg-type]
    n: int = actiontrace.log_request({}, lambda recorder: "done")  # E: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
