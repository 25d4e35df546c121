"""A small traced application run in its own interpreter by test_shutdown.py (unreachable endpoint)
and test_otlp_env.py (configured by environment variables only).

    python shutdown_app.py ENDPOINT PROTOCOL JSONL_DIR {explicit|atexit} N

Records N tool spans, then either calls actiontrace.shutdown() or just lets the interpreter exit.
"""

from __future__ import annotations

import sys

import actiontrace


@actiontrace.tool
def step(i: int) -> int:
    return i * 2


def main() -> int:
    endpoint, protocol, jsonl_dir, how, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    # Empty endpoint/protocol: configured from the OTEL_EXPORTER_OTLP_* variables alone.
    actiontrace.configure(service_name="shutdown-app", otlp_endpoint=endpoint or None,
                          otlp_protocol=protocol or None, jsonl_path=jsonl_dir, instrument=[])
    for i in range(n):
        step(i)
    if how == "explicit":
        actiontrace.shutdown()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
