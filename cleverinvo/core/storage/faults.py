"""Database faults that are no bug of ours: the database is busy (a lock held longer than the wait), its disk
is full, or it is read-only for this user. ``unavailable`` names them as an ``Unavailable`` (a message for people
and a time to retry), whichever backend and driver raised them; every other error is left alone."""

import errno
import sqlite3
from collections.abc import Iterator

import peewee as pw

from cleverinvo.core.errors import Unavailable

BUSY_RETRY_SECONDS = 1
FULL_RETRY_SECONDS = 60
# PostgreSQL's SQLSTATEs: lock not available, deadlock, serialization failure, too many connections, starting up;
# disk full; read-only transaction (as on a standby).
_BUSY_CODES = frozenset({"55P03", "40P01", "40001", "53300", "57P03"})
_FULL_CODES = frozenset({"53100"})
_READ_ONLY_CODE = "25006"


def busy() -> Unavailable:
    return Unavailable(
        f"The database is busy (locked by another writer); nothing was changed. Retry in {BUSY_RETRY_SECONDS} s",
        BUSY_RETRY_SECONDS,
    )


def disk_full() -> Unavailable:
    return Unavailable(
        "The database's disk is full; nothing was changed. Retry once space has been freed", FULL_RETRY_SECONDS
    )


def read_only() -> Unavailable:
    return Unavailable(
        "The database is read-only (its file or folder cannot be written by this user); nothing was changed",
        FULL_RETRY_SECONDS,
    )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it wraps (peewee keeps the driver's error in its arguments) and what caused it."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        yield current
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]


def unavailable(exc: BaseException) -> Unavailable | None:
    """The ``Unavailable`` that ``exc`` amounts to, or ``None`` when it is not a busy or full database."""
    for cause in _causes(exc):
        if isinstance(cause, Unavailable):
            return cause
        code = getattr(cause, "pgcode", None)
        text = str(cause).lower()
        if (
            code in _FULL_CODES
            or (isinstance(cause, OSError) and cause.errno == errno.ENOSPC)
            or (isinstance(cause, sqlite3.OperationalError | pw.OperationalError) and "disk is full" in text)
        ):
            return disk_full()
        if code in _BUSY_CODES or (
            isinstance(cause, sqlite3.OperationalError | pw.OperationalError) and "database is locked" in text
        ):
            return busy()
        if code == "25006" or (
            isinstance(cause, sqlite3.OperationalError | pw.OperationalError) and "readonly" in text
        ):
            return read_only()
    return None
