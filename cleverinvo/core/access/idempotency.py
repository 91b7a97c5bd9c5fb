"""Idempotency keys for POST requests, as the IETF httpapi idempotency-key draft and the big payment APIs do it.

The first request with a key claims it; its successful response is recorded in the same transaction as its
effect, so a crash leaves neither. A retry with the same key and the same request gets the recorded response;
the same key with a different request is refused; a retry while the first still runs is a conflict. Records
are kept 24 hours.

A claim names its owner: the host, process id and process start time of the process running the request. A
retry that finds a claim whose owner is on this host and no longer runs (killed, crashed, restarted: the same pid
with another start time is another process) gives it up at once and runs. A claim owned on another host is given
up ``ABANDONED_AFTER`` its creation.
"""

import datetime as dt
import hashlib
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cleverinvo.core import clock
from cleverinvo.core.errors import Conflict, IdempotencyMismatch, ValidationError
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

RETENTION = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(minutes=5)
_KEY_FORM = re.compile(r"[\x21-\x7e]{1,255}")
R = TypeVar("R")


def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or ``None`` if there is no such process
    (or no /proc to tell)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _this_process() -> str:
    return f"{socket.gethostname()}/{os.getpid()}/{_start_time(os.getpid())}"


def _gone(owner: str | None) -> bool:
    """Whether the process that made a claim certainly no longer runs (it ran on this host, and its pid is free
    or taken by a process that started at another time)."""
    if owner is None:
        return False
    host, _, rest = owner.partition("/")
    pid, _, started = rest.partition("/")
    if host != socket.gethostname() or not pid.isdigit() or started == "None":
        return False
    return _start_time(int(pid)) != started


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    content_type: str
    body: bytes


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    return hashlib.sha256(b"\n".join((method.encode(), path.encode(), body))).hexdigest()


def _this(api_key_id: str, key: str) -> object:
    return (models.IdempotencyRecord.api_key == api_key_id) & (models.IdempotencyRecord.key == key)


def claim(api_key_id: str, key: str, request_fingerprint: str) -> StoredResponse | None:
    """``None`` when this request is the first with ``key`` (go ahead), else the response to replay."""
    if not _KEY_FORM.fullmatch(key):
        raise ValidationError("Invalid Idempotency-Key header: 1-255 visible ASCII characters", "Idempotency-Key")
    record = models.IdempotencyRecord
    now = clock.now()
    with transaction():
        record.delete().where((record.api_key == api_key_id) & (record.created_at < now - RETENTION)).execute()
        record.delete().where(
            _this(api_key_id, key) & record.status.is_null() & (record.created_at < now - ABANDONED_AFTER)
        ).execute()
        found = record.get_or_none(_this(api_key_id, key))
        if found is not None and found.status is None and _gone(found.owner):
            record.delete().where(_this(api_key_id, key) & record.status.is_null()).execute()
            found = None
        if found is None:
            record.create(
                api_key=api_key_id, key=key, fingerprint=request_fingerprint, created_at=now, owner=_this_process()
            )
            return None
    if found.fingerprint != request_fingerprint:
        raise IdempotencyMismatch("This Idempotency-Key was already used for a different request")
    if found.status is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry later")
    return StoredResponse(status=found.status, content_type=found.content_type, body=bytes(found.body))


def record(api_key_id: str, key: str, response: StoredResponse) -> None:
    """Inside the transaction of the request's effect: keep its response for replays."""
    models.IdempotencyRecord.update(
        status=response.status, content_type=response.content_type, body=response.body
    ).where(_this(api_key_id, key)).execute()


def release(api_key_id: str, key: str) -> None:
    """The request ended without a response to keep (it failed): a retry may run it again."""
    with transaction():
        models.IdempotencyRecord.delete().where(
            _this(api_key_id, key) & models.IdempotencyRecord.status.is_null()
        ).execute()


def run_once(
    api_key_id: str,
    key: str,
    request_fingerprint: str,
    action: Callable[[], R],
    response_of: Callable[[R], StoredResponse],
) -> R | StoredResponse:
    """Run ``action`` once per key: its result and its recorded response commit in one transaction. A retry
    gets the ``StoredResponse`` of the first run; a failed run leaves the key free for another try."""
    stored = claim(api_key_id, key, request_fingerprint)
    if stored is not None:
        return stored
    try:
        with transaction():
            result = action()
            record(api_key_id, key, response_of(result))
    except BaseException:
        release(api_key_id, key)
        raise
    return result
