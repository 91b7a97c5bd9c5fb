"""Strict reading of input mappings (a parsed JSON body, or a dict from Python code).

Every message is one an API can return verbatim: ``Missing required field: name``,
``Unknown field: foo``, ``Invalid field: quantity must be a number``. Numbers must be ``int`` or ``Decimal``:
a ``float`` (or a bool) is refused, so no binary fraction ever reaches money.
"""

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Context, Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email

from cleverinvo.core.errors import ValidationError
from cleverinvo.core.money import parse_date

_MISSING = object()
_WIDE = Context(prec=80)  # wide enough to test the places of any number we accept


class Fields:
    """One input object: checks its type and its keys up front, then reads typed values by name."""

    def __init__(self, data: object, allowed: Collection[str], prefix: str = "") -> None:
        self.prefix = prefix
        if not isinstance(data, Mapping):
            where = f"{prefix.rstrip('.')} must be" if prefix else "The request body must be"
            raise ValidationError(f"Invalid input: {where} a JSON object", prefix.rstrip(".") or None)
        for key in data:
            if not isinstance(key, str) or key not in allowed:
                raise ValidationError(f"Unknown field: {prefix}{key}", f"{prefix}{key}")
        self.data: Mapping[str, Any] = data

    def name(self, key: str) -> str:
        """The field's full name as messages show it, e.g. ``lineItems[2].quantity``."""
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        """Whether the input carries this field at all (``None`` counts as carried)."""
        return key in self.data

    def invalid(self, key: str, problem: str) -> ValidationError:
        """A ``ValidationError`` for this field: ``Invalid field: <name> <problem>``."""
        return ValidationError(f"Invalid field: {self.name(key)} {problem}", self.name(key))

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise ValidationError(f"Missing required field: {self.name(key)}", self.name(key))
            return None
        return value

    def text(self, key: str, *, required: bool = False, max_length: int = 255, min_length: int = 0) -> str | None:
        """A string, stripped of surrounding white space; an empty optional string reads as ``None``."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.invalid(key, "must be a string")
        value = value.strip()
        if not value:
            if required or min_length:
                raise ValidationError(f"Missing required field: {self.name(key)}", self.name(key))
            return None
        if len(value) < min_length:
            raise self.invalid(key, f"must be at least {min_length} characters")
        if len(value) > max_length:
            raise self.invalid(key, f"must be at most {max_length} characters")
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value) or "\x7f" in value:
            raise self.invalid(key, "must not contain control characters")
        return value

    def email(self, key: str) -> str | None:
        """An optional e-mail address, checked for form (no DNS look-up)."""
        value = self.text(key, max_length=254)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise self.invalid(key, "must be a valid email address") from None

    def decimal(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        above: Decimal | None = None,
        places: int = 6,
    ) -> Decimal | None:
        """An exact number (``int`` or ``Decimal``) within bounds and with at most ``places`` decimals."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise self.invalid(key, "must be a number")
        number = Decimal(value)
        if not number.is_finite():
            raise self.invalid(key, "must be a finite number")
        if above is not None and number <= above:
            raise self.invalid(key, f"must be greater than {above}")
        if minimum is not None and number < minimum:
            raise self.invalid(key, f"must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise self.invalid(key, f"must be at most {maximum}")
        if number != number.quantize(Decimal(1).scaleb(-places), context=_WIDE):
            raise self.invalid(key, f"must have at most {places} decimal places")
        return number

    def integer(self, key: str, *, required: bool = False, minimum: int, maximum: int) -> int | None:
        """A whole number within bounds (``int``, or a ``Decimal`` with no fraction)."""
        value = self.decimal(key, required=required, minimum=Decimal(minimum), maximum=Decimal(maximum), places=0)
        return None if value is None else int(value)

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        """A ``YYYY-MM-DD`` date (or a ``date`` from Python code)."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if not isinstance(value, str):
            raise self.invalid(key, "must be a date as YYYY-MM-DD")
        return parse_date(value, self.name(key))

    def boolean(self, key: str, *, required: bool = False) -> bool | None:
        """``true`` or ``false``."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.invalid(key, "must be true or false")
        return value

    def items(self, key: str, *, required: bool = False, max_items: int = 1000) -> list[Any] | None:
        """A non-empty list of at most ``max_items`` entries."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.invalid(key, "must be a list")
        if not value:
            raise self.invalid(key, "must have at least one item")
        if len(value) > max_items:
            raise self.invalid(key, f"must have at most {max_items} items")
        return value
