"""ISO 8601 timestamps to epoch nanoseconds and back, exactly.

Our own parser rather than ``datetime.fromisoformat``: Python 3.10 rejects ``Z`` and
fractions that are not 3 or 6 digits, and a float round trip would lose nanoseconds.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
import time

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?\s*$"
)


def parse_iso_ns(value: object) -> int:
    """Epoch nanoseconds of an ISO 8601 string (``Z``, ``+02:00``, ``+0200`` or no offset,
    which means UTC; any number of fraction digits) or of a ``datetime`` (naive means UTC).
    Raises ``ValueError`` with the reason."""
    if isinstance(value, _dt.datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
        return calendar.timegm(dt.utctimetuple()) * 1_000_000_000 + dt.microsecond * 1000
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 string, got {type(value).__name__}")
    m = _ISO.match(value)
    if not m:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    year, month, day, hour, minute, second, fraction = m.group(1, 2, 3, 4, 5, 6, 7)
    offset = 0
    if m.group("sign"):
        oh, om = int(m.group("oh")), int(m.group("om") or 0)
        if oh > 23 or om > 59:
            raise ValueError(f"invalid UTC offset in {value!r}")
        offset = (oh * 3600 + om * 60) * (-1 if m.group("sign") == "-" else 1)
    try:
        naive = _dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"invalid timestamp {value!r}: {exc}") from None
    seconds = calendar.timegm(naive.timetuple()) - offset
    nanos = int((fraction or "").ljust(9, "0")[:9] or 0)
    return seconds * 1_000_000_000 + nanos


def format_iso_ns(ns: int) -> str:
    """UTC ISO 8601 with ``Z``; the fraction only as long as it needs to be (ms, µs or ns)."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    if nanos == 0:
        return text + "Z"
    if nanos % 1_000_000 == 0:
        return f"{text}.{nanos // 1_000_000:03d}Z"
    if nanos % 1000 == 0:
        return f"{text}.{nanos // 1000:06d}Z"
    return f"{text}.{nanos:09d}Z"


def ns_to_datetime(ns: int) -> _dt.datetime:
    seconds, nanos = divmod(ns, 1_000_000_000)
    return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).replace(microsecond=nanos // 1000)
