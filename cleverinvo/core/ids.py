"""Opaque, URL-safe, non-sequential ids in the spirit of cuid2: a letter, then random base-36 characters."""

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits
_LENGTH = 24  # after the leading "c": 24 × log2(36) ≈ 124 bits of randomness


def new_id() -> str:
    """A fresh collision-resistant id such as ``c3k9x0...``; it starts with a letter so it is never numeric."""
    return "c" + "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
