"""Which GenAI convention names are in force: v1.41 (the default) or, with
``OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental``, the newest ones.

The names themselves live in ``_vocabulary``; this module only picks a set. The choice is made
when an instrumentation is enabled or ``configure()`` runs (:func:`refresh`), never per call:
the call core reads one attribute of :data:`names`.
"""

from __future__ import annotations

from .. import _settings
from .. import _vocabulary as A


class Names:
    """The names one convention set uses where v1.41 and the latest differ."""

    __slots__ = ("latest", "cache_write_tokens", "duration_metric", "first_chunk_metric")

    def __init__(self, latest: bool) -> None:
        self.latest = latest
        if latest:
            self.cache_write_tokens = A.LATEST_USAGE_CACHE_WRITE_INPUT_TOKENS
            self.duration_metric = A.LATEST_OPERATION_DURATION_METRIC
            self.first_chunk_metric = A.LATEST_TIME_TO_FIRST_CHUNK_METRIC
        else:
            self.cache_write_tokens = A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS
            self.duration_metric = A.GEN_AI_OPERATION_DURATION_METRIC
            self.first_chunk_metric = A.GEN_AI_TIME_TO_FIRST_CHUNK_METRIC


names = Names(False)


def refresh() -> Names:
    """Read the opt-in again (an instrumentation being enabled, ``configure()``) and return the set."""
    global names
    latest = _settings.genai_latest_experimental()
    if latest != names.latest:
        names = Names(latest)
    return names
