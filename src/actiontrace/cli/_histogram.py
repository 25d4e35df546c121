"""Bounded-memory latency percentiles.

A log-bucket histogram in the style of DDSketch: every value lands in bucket
``ceil(log(v) / log(gamma))`` with ``gamma = (1 + a) / (1 - a)``, so any
quantile it answers is within relative error ``a`` of a value that was really
recorded at that rank. Memory is one counter per occupied bucket: for
durations between a microsecond and a day at 1% accuracy that is at most about
1,100 buckets, whatever the number of values added.
"""

from __future__ import annotations

import math

__all__ = ["LogHistogram"]


class LogHistogram:
    """Count, sum, min, max and approximate quantiles of non-negative values."""

    __slots__ = ("accuracy", "_gamma_log", "_buckets", "_zeros", "count", "total", "min", "max")

    # Values at or below this count as zero (durations are in ms: 1 ns).
    _MIN_POSITIVE = 1e-6

    def __init__(self, accuracy: float = 0.01) -> None:
        if not 0.0 < accuracy < 1.0:
            raise ValueError("accuracy must be between 0 and 1")
        self.accuracy = accuracy
        self._gamma_log = math.log((1.0 + accuracy) / (1.0 - accuracy))
        self._buckets: dict[int, int] = {}
        self._zeros = 0
        self.count = 0
        self.total = 0.0
        self.min = math.inf
        self.max = -math.inf

    def add(self, value: float) -> None:
        if value != value:  # NaN: nothing sensible to record
            return
        if value < 0:
            value = 0.0
        self.count += 1
        self.total += value
        if value < self.min:
            self.min = value
        if value > self.max:
            self.max = value
        if value <= self._MIN_POSITIVE:
            self._zeros += 1
            return
        key = math.ceil(math.log(value) / self._gamma_log)
        buckets = self._buckets
        buckets[key] = buckets.get(key, 0) + 1

    def merge(self, other: "LogHistogram") -> None:
        if other.accuracy != self.accuracy:
            raise ValueError("cannot merge histograms of different accuracy")
        for key, n in other._buckets.items():
            self._buckets[key] = self._buckets.get(key, 0) + n
        self._zeros += other._zeros
        self.count += other.count
        self.total += other.total
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    @property
    def bucket_count(self) -> int:
        return len(self._buckets) + (1 if self._zeros else 0)

    def quantile(self, q: float) -> float | None:
        """Nearest-rank quantile: the ``ceil(q * count)``-th smallest value (0 <= q <= 1).

        None when empty; p95 of three values is the largest, as a reader expects.
        """
        if self.count == 0:
            return None
        if q <= 0:
            return self.min
        if q >= 1:
            return self.max
        rank = max(1, math.ceil(round(q * self.count, 9)))  # round: 0.95 * 20 is 19.000000000000004
        seen = self._zeros
        if seen >= rank:
            return 0.0
        gamma = math.exp(self._gamma_log)
        for key in sorted(self._buckets):
            seen += self._buckets[key]
            if seen >= rank:
                # Midpoint of (gamma^(k-1), gamma^k] in the relative sense; never
                # outside what was really recorded.
                estimate = 2.0 * math.exp(key * self._gamma_log) / (gamma + 1.0)
                return min(max(estimate, self.min), self.max)
        return self.max

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None
