"""AgentSight-style `track_action`: record actions that already happened.

Runs offline. Writes JSONL spans to ./traces (or $ACTIONTRACE_JSONL_PATH); look at
them with `actiontrace view traces`.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import actiontrace
from actiontrace.seeds import Tracker


def main() -> None:
    actiontrace.configure(service_name="seed-track-action")
    tracker = Tracker(display_names={"calculator_multiply": "Calculator: multiply"})
    # The document's example uses fixed 2024 timestamps; here the multiplication
    # "happened" a moment ago, so it sits inside the answer's span on a timeline.
    ended = datetime.now(timezone.utc)
    started = ended - timedelta(milliseconds=50)

    with actiontrace.session(name="Math question", user_id="user-123") as conversation:
        # The span of the answer; every tracked action nests under it.
        with actiontrace.span("answer_question"):
            print(tracker.track_action(
                action_name="calculator_multiply",
                started_at=started.isoformat().replace("+00:00", "Z"),
                ended_at=ended.isoformat(),
                duration_ms=50,
                tools_used={"function": "multiply", "parameters": {"a": 12, "b": 5}},
                response="60",
            ))
            print(tracker.track_action(
                action_name="weather_lookup",
                duration_ms=800,
                tools_used={"api": "OpenWeatherMap", "location": "San Francisco, CA",
                            "parameters": {"units": "metric"}},
                response="Temperature: 18°C, Conditions: Sunny",
                metadata={"location_query": "San Francisco", "units": "celsius"},
            ))
            print(tracker.track_action(
                action_name="database_search",
                duration_ms=200,
                tools_used={"database": "user_orders", "query_type": "SELECT"},
                error_msg="connection reset by peer",
            ))
        try:
            tracker.track_action("bad_timing", started_at="2024-01-15T10:30:01Z", ended_at="2024-01-15T10:30:00Z")
        except ValueError as exc:
            print("rejected:", exc)
        print("conversation:", conversation.id)

    actiontrace.shutdown()
    print("traces written to", os.environ.get("ACTIONTRACE_JSONL_PATH", "traces"))


if __name__ == "__main__":
    main()
