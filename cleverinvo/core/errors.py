"""The domain's exceptions. Shells map each class to their own output; none of them parses a message."""


class CleverInvoError(Exception):
    """Base of every error the core raises on purpose. ``message`` is safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(CleverInvoError):
    """Input that breaks a rule, said three ways so that each shell can word it for its own reader.

    ``field`` names the offending field as the API does (``lineItems[3].quantity``) when known; ``name`` is the
    field's own name (``quantity``); ``line`` the index of its line item, counted from 0, when it belongs to one;
    ``problem`` what is wrong, without the field (``must be a number``).
    """

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        name: str | None = None,
        line: int | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.name = name or field
        self.line = line
        self.problem = problem or message


class NotFound(CleverInvoError):
    """An id that does not exist, or that belongs to another account."""


class Conflict(CleverInvoError):
    """A request that clashes with the current state: a taken number, a change to a sent invoice."""


class ProfileIncomplete(Conflict):
    """Something needs the seller profile filled in first, such as issuing an invoice without a seller name."""


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


class Busy(CleverInvoError):
    """Work the server cannot take on now (a full queue, a stop under way); ``retry_after`` is in seconds."""

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
