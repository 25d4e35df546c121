"""Zero-code: what ``opentelemetry-instrument python app.py`` loads from actiontrace.

Entry points (``pyproject.toml``):

- ``opentelemetry_distro`` → :class:`ActiontraceDistro`: makes :class:`ActiontraceConfigurator`
  the configurator (``OTEL_PYTHON_CONFIGURATOR=actiontrace`` unless set) and instruments as
  the default distro does.
- ``opentelemetry_configurator`` → :class:`ActiontraceConfigurator`: lets the SDK's own
  configurator build everything from the ``OTEL_*`` variables (exporters, sampler, resource,
  metrics, logs), then gives its TracerProvider what ``configure()`` gives ours: session
  stamping first, and every exporting processor behind redaction, so no exporter the
  variables name receives a secret. It also arms the SIGTERM/SIGHUP flush and carries context
  into thread pools, as ``configure()`` does.

An application that then calls ``actiontrace.configure()`` joins this provider.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.instrumentation.distro import BaseDistro
from opentelemetry.sdk._configuration import _OTelSDKConfigurator

from .. import _settings as S
from .._safety import logger


def adopt(provider: Any) -> bool:
    """Put session stamping in front of ``provider``'s processors and redaction around each one."""
    from ..processors._session import SessionSpanProcessor
    from ..redaction import RedactingSpanProcessor, default_redactor

    multi = getattr(provider, "_active_span_processor", None)
    current = getattr(multi, "_span_processors", None)
    lock = getattr(multi, "_lock", None)
    if not isinstance(current, tuple) or lock is None:
        return False  # an SDK whose processor list is not where this version keeps it
    default_redactor()  # compile the rules now, not inside the first span
    wrapped = tuple(p if isinstance(p, (SessionSpanProcessor, RedactingSpanProcessor)) else RedactingSpanProcessor(p)
                    for p in current)
    with lock:
        multi._span_processors = (SessionSpanProcessor(),) + wrapped
    return True


class ActiontraceConfigurator(_OTelSDKConfigurator):
    """The SDK's configurator, then actiontrace's stamping and redaction on its TracerProvider."""

    def _configure(self, **kwargs: Any) -> None:
        super()._configure(**kwargs)
        try:
            from opentelemetry import trace
            from opentelemetry.sdk.trace import TracerProvider

            provider = trace.get_tracer_provider()
            if not isinstance(provider, TracerProvider) or not adopt(provider):
                logger.warning("actiontrace: zero-code setup found no SDK TracerProvider to add "
                               "session stamping and redaction to")
                return
            from ..context._threads import propagate_context_to_threads

            propagate_context_to_threads()
            if S.HANDLE_SIGNALS.read():
                from ._signals import install_signal_handlers

                install_signal_handlers()
        except Exception:
            logger.warning("actiontrace: zero-code setup failed; spans are exported as the SDK set "
                           "them up", exc_info=True)


class ActiontraceDistro(BaseDistro):
    """Selects :class:`ActiontraceConfigurator`; instruments every installed instrumentor."""

    def _configure(self, **kwargs: Any) -> None:
        S.PYTHON_CONFIGURATOR.set_default("actiontrace")
