"""API keys: ``cinv_`` and 43 random URL-safe characters, shown once, stored only as an argon2 hash.

A key is found by its first 12 characters (indexed), then checked against the argon2 hash. A successful check is
remembered for ``CACHE_SECONDS`` so argon2 is not paid on every request; a key revoked elsewhere (another
process) therefore stops working within that time, and at once in the process that revoked it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cleverinvo.core import clock
from cleverinvo.core.errors import AuthenticationError, NotFound
from cleverinvo.core.ids import new_id
from cleverinvo.core.records import ApiKeyInfo, KeyIdentity, NewApiKey
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

KEY_PREFIX = "cinv_"
PREFIX_LENGTH = 12
CACHE_SECONDS = 30.0
_KEY_FORM = re.compile(r"cinv_[A-Za-z0-9_-]{32,128}")
_hasher = PasswordHasher()


class _VerifiedCache:
    """Keys verified recently, by the SHA-256 of the key (the key itself is never kept)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[KeyIdentity, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> KeyIdentity | None:
        digest = self._digest(key)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[1] < time.monotonic():
                del self._entries[digest]
                return None
            return entry[0]

    def put(self, key: str, identity: KeyIdentity) -> None:
        with self._lock:
            self._entries[self._digest(key)] = (identity, time.monotonic() + CACHE_SECONDS)

    def forget(self, key_id: str) -> None:
        with self._lock:
            for digest in [d for d, (ident, _) in self._entries.items() if ident.key_id == key_id]:
                del self._entries[digest]


_cache = _VerifiedCache()


def to_record(row: models.ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        prefix=row.prefix,
        label=row.label,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def verify(key: object) -> KeyIdentity:
    """Who this key speaks for, or an ``AuthenticationError`` for a malformed, unknown or revoked key."""
    if not isinstance(key, str) or not _KEY_FORM.fullmatch(key):
        raise AuthenticationError("Invalid API key")
    cached = _cache.get(key)
    if cached is not None:
        return cached
    candidates = models.ApiKey.select().where(
        (models.ApiKey.prefix == key[:PREFIX_LENGTH]) & models.ApiKey.revoked_at.is_null()
    )
    for row in candidates:
        try:
            _hasher.verify(row.secret_hash, key)
        except (VerificationError, InvalidHashError):
            continue
        identity = KeyIdentity(key_id=row.id, account_id=row.account_id, prefix=row.prefix)
        with transaction():
            models.ApiKey.update(last_used_at=clock.now()).where(models.ApiKey.id == row.id).execute()
        _cache.put(key, identity)
        return identity
    raise AuthenticationError("Invalid API key")


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
