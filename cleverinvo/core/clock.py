"""Time in one place: everything is UTC, stored naive, rendered with milliseconds and a ``Z``."""

import datetime as dt


def now() -> dt.datetime:
    """The current UTC time as a naive datetime (how it is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date in UTC: the reference for due dates and monthly plan limits."""
    return now().date()


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s calendar month."""
    return day.replace(day=1)


def iso_timestamp(moment: dt.datetime | None) -> str | None:
    """``2024-01-15T00:00:00.000Z`` for a stored naive UTC datetime, ``None`` for none."""
    if moment is None:
        return None
    if moment.tzinfo is not None:  # the wall-clock fields as stored, as for a naive one
        moment = moment.replace(tzinfo=None)
    return moment.isoformat("T", "milliseconds") + "Z"  # in C, arguments by position: 0.4 µs (strftime: 2 µs)
