"""Which right-hand sides of a ``key=value`` / ``key: value`` in text are not secrets:
prose after a colon, and code (an expression, a call, a lookup, a variable naming the
secret), so a prompt quoting code keeps it."""

from __future__ import annotations

import re

from ._rules import classify_key, key_words

# Right-hand sides that are code, not a secret: an environment lookup, ``get_token(user)``,
# ``settings.API_KEY``, ``${DB_PASSWORD}``, ``%(password)s``, ``{{ secret }}``.
_CODE = re.compile(
    r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+[\[(]?|[a-z_][a-z0-9_.]*[ \t]*[\[(].*"
    r"|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\([A-Za-z_]+\)s|\{\{.*|[A-Za-z_][A-Za-z0-9_]*_[A-Za-z0-9_]+"
)


def not_a_value(value: str, sep: str, extra_keys) -> bool:
    """A bare right-hand side that is prose or code rather than a credential."""
    # "Password: Reset required" in prose is not a credential; "password: hunter2" is.
    if sep == ":" and all(w.isalpha() and (w.islower() or w[1:].islower()) for w in value.split()):
        return True
    m = _CODE.fullmatch(value.split(None, 1)[0] if "(" not in value and "[" not in value else value)
    if m is None:
        return False
    if value[0] in "$%{" or "(" in value or "[" in value or "." in value:
        return True
    # a bare identifier is a variable only when it names the secret (``db_password``, ``API_TOKEN``)
    return classify_key(key_words(value), extra_keys) is not None
