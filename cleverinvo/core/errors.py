"""The domain's exceptions. Shells map each class to their own output; none of them parses a message."""


class CleverInvoError(Exception):
    """Base of every error the core raises on purpose. ``message`` is safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(CleverInvoError):
    """Input that breaks a rule. ``field`` names the offending field (dotted for line items) when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(CleverInvoError):
    """An id that does not exist, or that belongs to another account."""


class Conflict(CleverInvoError):
    """A request that clashes with the current state: a taken number, a change to a sent invoice."""


class LimitReached(CleverInvoError):
    """The account's plan does not allow this."""


class AuthenticationError(CleverInvoError):
    """A missing, malformed, unknown or revoked API key."""


class TooManyAttempts(CleverInvoError):
    """Too many failed API key checks from one address or on one key prefix; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(CleverInvoError):
    """The database cannot do this now (busy, or its disk is full) and nothing was changed; ``retry_after`` is in
    seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SchemaError(CleverInvoError):
    """The database cannot be used by this version of CleverInvo."""


class IdempotencyMismatch(CleverInvoError):
    """An ``Idempotency-Key`` reused for a different request."""


class MailNotConfigured(Conflict):
    """No mail server is configured, so nothing can be e-mailed."""


class DeliveryFailed(CleverInvoError):
    """The mail server could not be reached or refused the message; ``message`` carries its reason."""


class TooLarge(ValidationError):
    """Input bigger than CleverInvo takes, such as a logo over its size limit."""


class UnsupportedMediaType(ValidationError):
    """Input of a kind CleverInvo does not take, such as a logo that is neither PNG nor JPEG."""
