"""The ``actiontrace`` command: read local JSONL traces as trees, numbers and a page.

Each subcommand lives in its own module with ``add_parser`` and ``run``; heavy
imports (protobuf, gRPC) happen inside ``run`` so ``--help`` and ``view`` stay
fast. ``import actiontrace`` never imports this package.

Exit codes: 0 ok, 1 findings when asked for (``view --errors``,
``stats --fail-on-error``, a failed replay), 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

from . import _html, _query_cmd, _replay, _stats, _tail, _view
from ._render import Style, colour_wanted

__all__ = ["main", "build_parser"]

_MODULES = (_view, _stats, _query_cmd, _tail, _html, _replay)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour output (default: auto, only on a terminal)")
    parser = argparse.ArgumentParser(
        prog="actiontrace",
        description="Read actiontrace JSONL trace files: trees, statistics, queries, a live tail, "
                    "an HTML report, and replay to an OTLP endpoint.",
        epilog="Exit codes: 0 ok, 1 findings when asked (--errors, --fail-on-error, failed replay), 2 usage.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _MODULES:
        module.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help, 2 for usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    style = Style(colour_wanted(args.color))
    try:
        return int(args.run(args, style) or 0)
    except FileNotFoundError as exc:
        print(f"actiontrace: no such file or directory: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"actiontrace: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `actiontrace view | head`: the reader went away; not an error.
        try:
            sys.stdout = open(__import__("os").devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        return 130
