"""When a schedule fires: dates anchored to its start date, as python-dateutil's ``rrule`` computes them.

Every date is computed from ``start`` and the occurrence's index, never from the previous run, so a schedule
cannot drift: monthly from 31 January gives 28 (or 29) February, 31 March, 30 April, 31 May. A start day that a
month lacks falls on that month's last day (``bymonthday=(day, -1)`` with ``bysetpos=1``: the first of "the day"
and "the last day" that the month has); yearly from 29 February gives 28 February in other years.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from dateutil import rrule


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


@dataclass(frozen=True, slots=True)
class Rule:
    """Every ``interval``-th week, month, quarter or year from ``start``, up to ``end`` (inclusive) or for
    ``count`` occurrences, whichever comes first; forever when neither is given."""

    start: dt.date
    frequency: Frequency
    interval: int = 1
    end: dt.date | None = None
    count: int | None = None

    def _rrule(self) -> rrule.rrule:
        start = dt.datetime.combine(self.start, dt.time())
        until = dt.datetime.combine(self.end, dt.time()) if self.end else None
        if self.frequency is Frequency.WEEKLY:
            return rrule.rrule(rrule.WEEKLY, dtstart=start, interval=self.interval, until=until, count=self.count)
        day = self.start.day
        by_day = (day, -1) if day > 28 else (day,)
        return rrule.rrule(
            rrule.MONTHLY,
            dtstart=start,
            interval=self.interval * _MONTHS[self.frequency],
            bymonthday=by_day,
            bysetpos=1 if day > 28 else None,
            until=until,
            count=self.count,
        )

    def dates(self) -> Iterator[dt.date]:
        """Every occurrence, in order (an endless iterator when the rule has no end)."""
        return (moment.date() for moment in self._rrule())

    def due(self, today: dt.date) -> Iterator[dt.date]:
        """The occurrences on or before ``today``."""
        return itertools.takewhile(lambda day: day <= today, self.dates())

    def upcoming(self, after: dt.date | None, n: int) -> list[dt.date]:
        """The first ``n`` occurrences later than ``after`` (all of them from the start when ``after`` is None)."""
        later = (day for day in self.dates() if after is None or day > after)
        return list(itertools.islice(later, n))
