"""The public face of :mod:`actiontrace.compat`, under the name docs/seeds.md and the examples use."""

from ..compat import *  # noqa: F403
from ..compat import __all__  # noqa: F401
