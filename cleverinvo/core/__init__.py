"""CleverInvo's core: every rule of the product as a library, with no server and no UI.

>>> import cleverinvo.core
>>> ci = cleverinvo.core.open("books.db")
>>> books = ci.books()                      # the account "default"
>>> client = books.clients.create({"name": "Acme Corp"})
"""

from cleverinvo.core.errors import (
    AuthenticationError,
    Busy,
    CleverInvoError,
    Conflict,
    DeliveryFailed,
    IdempotencyMismatch,
    LimitReached,
    MailNotConfigured,
    NotFound,
    ProfileIncomplete,
    SchemaError,
    TooLarge,
    TooManyAttempts,
    Unavailable,
    UnsupportedMediaType,
    ValidationError,
)
from cleverinvo.core.records import Plan, Status
from cleverinvo.core.storage.db import ENV_VAR as DB_ENV_VAR
from cleverinvo.core.storage.faults import unavailable
from cleverinvo.core.store import Books, CleverInvo, open

__all__ = [
    "DB_ENV_VAR",
    "AuthenticationError",
    "Books",
    "Busy",
    "CleverInvo",
    "CleverInvoError",
    "Conflict",
    "DeliveryFailed",
    "IdempotencyMismatch",
    "LimitReached",
    "MailNotConfigured",
    "NotFound",
    "Plan",
    "ProfileIncomplete",
    "SchemaError",
    "Status",
    "TooLarge",
    "TooManyAttempts",
    "Unavailable",
    "UnsupportedMediaType",
    "ValidationError",
    "open",
    "unavailable",
]
