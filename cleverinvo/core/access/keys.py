"""API keys: ``cinv_`` and 43 random URL-safe characters, shown once, stored only as an argon2 hash.

A key is found by its first 12 characters (indexed), then checked against the argon2 hash. A check must never
become a weapon against the server, so:

- a key that passed argon2 is remembered by the SHA-256 of the whole key (never the key itself). For
  ``REFRESH_AFTER`` seconds it is trusted from memory alone (``cached``, no database, no argon2); after that a
  cheap look-up by id re-reads whether it was revoked, and the entry lives on: argon2 runs once per key and
  process, not every time an entry expires. A key revoked in another process stops within ``CACHE_SECONDS``, and
  at once in the process that revoked it;
- failed checks are counted per key prefix and per client address; past ``FAILURES_PER_PREFIX`` or
  ``FAILURES_PER_ADDRESS`` in ``FAILURE_WINDOW`` seconds the check is refused with ``TooManyAttempts`` before any
  database read or argon2 run. A flood of wrong secrets on a victim's prefix thus also refuses the victim's
  *cold* key for a minute; its key already in the cache goes on working;
- a key that failed is remembered (by digest too) for ``FAILURE_WINDOW`` seconds and refused from memory: a
  client retrying a revoked or mistyped key gets 401 every time, cheaply, and counts as one failure, not many;
- concurrent checks of the same key share one computation (single flight), and at most ``ARGON2_AT_ONCE``
  argon2 runs happen at a time in a process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from cleverinvo.core import clock
from cleverinvo.core.errors import AuthenticationError, NotFound, TooManyAttempts
from cleverinvo.core.ids import new_id
from cleverinvo.core.records import ApiKeyInfo, KeyIdentity, NewApiKey
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

KEY_PREFIX = "cinv_"
PREFIX_LENGTH = 12
CACHE_SECONDS = 30.0  # a key is trusted from memory this long after its last check against the database
REFRESH_AFTER = 20.0  # then re-checked ahead of that expiry, so a busy key never waits for the database
CACHE_ENTRIES = 10_000
FAILURE_WINDOW = 60.0
FAILURES_PER_PREFIX = 10
FAILURES_PER_ADDRESS = 30
ARGON2_AT_ONCE = 2
_KEY_FORM = re.compile(r"cinv_[A-Za-z0-9_-]{32,128}")

# Why so cheap an argon2: a key's secret is 32 random bytes (256 bits), not a password a person chose. Memory-hard
# settings exist to slow down guessing low-entropy passwords; nobody guesses 2^256 values: at 10^12 guesses a
# second, finding one key takes ~10^57 years whatever the per-guess cost. What cost does buy is the server's own
# CPU and memory on every cold check: argon2-cffi's default (t=3, m=64 MiB, p=4) took ~350 ms and 64 MiB per
# check on the reference machine, so 40 concurrent checks held 2.5 GB. t=1, m=1 MiB, p=1 takes ~1 ms and 1 MiB.
# The one-way property (a stolen database reveals no key) is the same. Hashes made with other parameters (older
# ones) still verify, since argon2 reads them from the hash, and are rewritten with these on their next success.
_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
_argon2_slots = threading.BoundedSemaphore(ARGON2_AT_ONCE)
log = logging.getLogger("cleverinvo.keys")
R = TypeVar("R")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(slots=True)
class _Entry:
    identity: KeyIdentity
    checked: float  # time.monotonic() of the last check against the database
    refreshing: bool = False


@dataclass(frozen=True, slots=True)
class CachedKey:
    """A key trusted from memory; ``refresh`` is true (once) when it is time to re-check it with ``verify``."""

    identity: KeyIdentity
    refresh: bool


class _VerifiedCache:
    """Keys that passed argon2, by digest, least recently used first (at most ``CACHE_ENTRIES``)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, digest: str) -> CachedKey | None:
        """The entry if it was checked within ``CACHE_SECONDS``, marking it as being refreshed when due."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or now - entry.checked >= CACHE_SECONDS:
                return None
            self._entries.move_to_end(digest)
            refresh = now - entry.checked >= REFRESH_AFTER and not entry.refreshing
            if refresh:
                entry.refreshing = True
            return CachedKey(entry.identity, refresh)

    def known(self, digest: str) -> _Entry | None:
        """The entry whatever its age: this exact key passed argon2 once."""
        with self._lock:
            return self._entries.get(digest)

    def put(self, digest: str, identity: KeyIdentity) -> None:
        with self._lock:
            self._entries[digest] = _Entry(identity, time.monotonic())
            self._entries.move_to_end(digest)
            while len(self._entries) > CACHE_ENTRIES:
                self._entries.popitem(last=False)

    def drop(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)

    def forget(self, key_id: str) -> None:
        with self._lock:
            for digest in [d for d, entry in self._entries.items() if entry.identity.key_id == key_id]:
                del self._entries[digest]


class _Refused:
    """Digests of keys that failed their check, each for ``FAILURE_WINDOW`` seconds (at most ``CACHE_ENTRIES``)."""

    def __init__(self) -> None:
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, digest: str) -> bool:
        with self._lock:
            until = self._until.get(digest)
            if until is None:
                return False
            if until <= time.monotonic():
                del self._until[digest]
                return False
            return True

    def add(self, digest: str) -> None:
        with self._lock:
            self._until[digest] = time.monotonic() + FAILURE_WINDOW
            self._until.move_to_end(digest)
            while len(self._until) > CACHE_ENTRIES:
                self._until.popitem(last=False)


class _Failures:
    """Failed checks per name (a key prefix, a client address) over the last ``FAILURE_WINDOW`` seconds."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, limits: Iterable[tuple[str, int]]) -> int:
        """Seconds until every named counter is under its limit again (0: go ahead)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for name, limit in limits:
                seen = self._seen.get(name)
                if not seen:
                    continue
                while seen and seen[0] <= now - FAILURE_WINDOW:
                    seen.popleft()
                if len(seen) >= limit:
                    wait = max(wait, seen[len(seen) - limit] + FAILURE_WINDOW - now)
        return math.ceil(wait) if wait > 0 else 0

    def add(self, names: Iterable[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for name in names:
                seen = self._seen.setdefault(name, deque())
                seen.append(now)
                while len(seen) > max(FAILURES_PER_PREFIX, FAILURES_PER_ADDRESS):
                    seen.popleft()
            if len(self._seen) > 100_000:
                for idle in [n for n, seen in self._seen.items() if not seen or seen[-1] <= now - FAILURE_WINDOW]:
                    del self._seen[idle]


class _SingleFlight:
    """Concurrent calls for the same name wait for the first one's outcome instead of repeating its work."""

    @dataclass(slots=True)
    class _Flight:
        done: threading.Event
        result: object = None
        error: BaseException | None = None

    def __init__(self) -> None:
        self._flights: dict[str, _SingleFlight._Flight] = {}
        self._lock = threading.Lock()

    def run(self, name: str, work: Callable[[], R]) -> R:
        with self._lock:
            flight = self._flights.get(name)
            leader = flight is None
            if flight is None:
                flight = self._flights[name] = self._Flight(threading.Event())
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.result  # type: ignore[return-value]
        try:
            flight.result = work()
            return flight.result  # type: ignore[return-value]
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[name]
            flight.done.set()


_cache = _VerifiedCache()
_refused = _Refused()
_failures = _Failures()
_flights = _SingleFlight()


def to_record(row: models.ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        prefix=row.prefix,
        label=row.label,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def cached(key: object) -> CachedKey | None:
    """The identity of a key checked within ``CACHE_SECONDS``, from memory alone (no database, no argon2), so
    that a server can answer a known key without leaving its event loop. When ``refresh`` is true the caller
    should run ``verify`` once off its hot path, which re-reads the key's revocation and renews the entry.
    A key that failed its check within ``FAILURE_WINDOW`` seconds raises ``AuthenticationError`` here too."""
    if not isinstance(key, str) or not _KEY_FORM.fullmatch(key):
        return None
    digest = _digest(key)
    if digest in _refused:
        raise AuthenticationError("Invalid API key")
    return _cache.fresh(digest)


def verify(key: object, source: str | None = None) -> KeyIdentity:
    """Who this key speaks for, or an ``AuthenticationError`` for a malformed, unknown or revoked key.

    ``source`` names where the request came from (a client address); failed checks are limited per source and
    per key prefix, and past the limit ``TooManyAttempts`` is raised before any work is done.
    """
    if not isinstance(key, str) or not _KEY_FORM.fullmatch(key):
        raise AuthenticationError("Invalid API key")
    digest = _digest(key)
    known = _cache.known(digest)
    if known is not None:
        if time.monotonic() - known.checked < REFRESH_AFTER:
            return known.identity
        return _flights.run(digest, lambda: _recheck(digest, known))
    if digest in _refused:
        raise AuthenticationError("Invalid API key")
    limits = [(f"prefix {key[:PREFIX_LENGTH]}", FAILURES_PER_PREFIX)]
    if source:
        limits.append((f"address {source}", FAILURES_PER_ADDRESS))
    wait = _failures.retry_after(limits)
    if wait:
        raise TooManyAttempts(f"Too many failed API key checks; retry in {wait} s", wait)
    return _flights.run(digest, lambda: _check(key, digest, [name for name, _ in limits]))


def _recheck(digest: str, entry: _Entry) -> KeyIdentity:
    """A key that passed argon2 before: only whether it was revoked since can have changed."""
    try:
        row = models.ApiKey.get_or_none(models.ApiKey.id == entry.identity.key_id)
        if row is None or row.revoked_at is not None:
            _cache.drop(digest)
            raise AuthenticationError("Invalid API key")
        _touch(row.id, None)
    finally:
        entry.refreshing = False
    _cache.put(digest, entry.identity)
    return entry.identity


def _check(key: str, digest: str, counted: list[str]) -> KeyIdentity:
    """The argon2 check of a key not seen before; a failure is counted against ``counted``."""
    candidates = models.ApiKey.select().where(
        (models.ApiKey.prefix == key[:PREFIX_LENGTH]) & models.ApiKey.revoked_at.is_null()
    )
    for row in candidates:
        with _argon2_slots:
            started = time.perf_counter()
            try:
                _hasher.verify(row.secret_hash, key)
                matched = True
            except (VerificationError, InvalidHashError):
                matched = False
        log.info(
            "argon2 check of key %s: %s in %.1f ms",
            row.prefix,
            "accepted" if matched else "refused",
            (time.perf_counter() - started) * 1000,
        )
        if not matched:
            continue
        identity = KeyIdentity(key_id=row.id, account_id=row.account_id, prefix=row.prefix)
        _touch(row.id, _hasher.hash(key) if _hasher.check_needs_rehash(row.secret_hash) else None)
        _cache.put(digest, identity)
        return identity
    _failures.add(counted)
    _refused.add(digest)
    raise AuthenticationError("Invalid API key")


def _touch(key_id: str, new_hash: str | None) -> None:
    """Record the key's use (and its hash with today's parameters, when it had others)."""
    changes: dict[str, object] = {"last_used_at": clock.now()}
    if new_hash is not None:
        changes["secret_hash"] = new_hash
    with transaction():
        models.ApiKey.update(**changes).where(models.ApiKey.id == key_id).execute()


def revoke(id_or_prefix: str, account_id: str | None = None) -> ApiKeyInfo:
    """Revoke a key named by its id or its first 12 characters (within one account when given)."""
    match = (models.ApiKey.id == id_or_prefix) | (models.ApiKey.prefix == id_or_prefix)
    if account_id is not None:
        match &= models.ApiKey.account == account_id
    with transaction():
        rows = list(models.ApiKey.select().where(match))
        if not rows:
            raise NotFound(f"API key not found: {id_or_prefix}")
        if len(rows) > 1:
            raise NotFound(f"More than one API key starts with {id_or_prefix}; revoke it by its id")
        row = rows[0]
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            row.save()
    _cache.forget(row.id)
    return to_record(row)


class Keys:
    """The API keys of one account."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def create(self, label: str | None = None) -> NewApiKey:
        """A new key. ``NewApiKey.key`` is the only time the secret exists outside the caller."""
        if label is not None and (not isinstance(label, str) or len(label) > 255):
            raise ValueError("label must be text of at most 255 characters")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with transaction():
            row = models.ApiKey.create(
                id=new_id(),
                account=self.account_id,
                prefix=key[:PREFIX_LENGTH],
                secret_hash=_hasher.hash(key),
                label=(label or "").strip() or None,
                created_at=clock.now(),
            )
        return NewApiKey(key=key, info=to_record(row))

    def list(self, include_revoked: bool = True) -> list[ApiKeyInfo]:
        query = models.ApiKey.select().where(models.ApiKey.account == self.account_id)
        if not include_revoked:
            query = query.where(models.ApiKey.revoked_at.is_null())
        return [to_record(r) for r in query.order_by(models.ApiKey.created_at.desc(), models.ApiKey.id)]

    def revoke(self, id_or_prefix: str) -> ApiKeyInfo:
        return revoke(id_or_prefix, self.account_id)
