"""Compiling the rules into one alternation: each rule a group, named groups made unique."""

from __future__ import annotations

import re
from typing import Optional

_GROUP = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>|\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)")


def _rename_groups(pattern: str, n: int) -> tuple[str, list[str], Optional[str], Optional[str]]:
    """Suffix every named group with ``_n`` so rules can share one alternation."""
    secrets: list[str] = []
    key = sep = None

    def sub(m: re.Match) -> str:
        nonlocal key, sep
        if m.group(1):
            name = f"{m.group(1)}_{n}"
            if m.group(1).startswith("secret"):
                secrets.append(name)
            elif m.group(1) == "key":
                key = name
            elif m.group(1) == "sep":
                sep = name
            return f"(?P<{name}>"
        return f"(?P={m.group(2)}_{n})"

    return _GROUP.sub(sub, pattern), secrets, key, sep


class _Compiled:
    __slots__ = ("group", "rule_id", "secrets", "key", "sep", "validate", "kind")

    def __init__(self, group, rule_id, secrets, key, sep, validate, kind):
        self.group, self.rule_id, self.secrets = group, rule_id, secrets
        self.key, self.sep, self.validate, self.kind = key, sep, validate, kind


def _flag_prefix(flags: int) -> str:
    letters = "".join(ch for flag, ch in ((re.I, "i"), (re.M, "m"), (re.S, "s"), (re.X, "x")) if flags & flag)
    return f"(?{letters}:" if letters else "(?:"
