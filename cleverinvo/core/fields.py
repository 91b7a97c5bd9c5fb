"""Strict reading of input mappings (a parsed JSON body, or a dict from Python code).

Every message is one an API can return verbatim: ``Missing required field: name``,
``Unknown field: foo``, ``Invalid field: quantity must be a number``. Numbers must be ``int`` or ``Decimal``:
a ``float`` (or a bool) is refused, so no binary fraction ever reaches money.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from decimal import Context, Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email

from cleverinvo.core.errors import ValidationError
from cleverinvo.core.i18n.regions import parse_country, parse_language
from cleverinvo.core.money import parse_date
from cleverinvo.core.pdf.fonts import unprintable
from cleverinvo.core.records import Language

_MISSING = object()
_WIDE = Context(prec=80)  # wide enough to test the places of any number we accept
_SURROGATE = re.compile("[\ud800-\udfff]")  # only a lone one can be in a str: a pair is one code point
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls but TAB, LF, CR
_BREAK = re.compile("[\t\n\r\u2028\u2029]")  # what ends a line or lays one out
# Characters that print as nothing yet change what a reader sees: bidi controls (U+202E turns "INV-0001" into
# "1000-VNI" on screen), zero-width spaces and joiners, the BOM, soft hyphens. Unicode calls them "format" (Cf).
_INVISIBLE = re.compile(  # every format character of Unicode 14 (tests compare it with unicodedata)
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``value`` as text for one field, as the end of an ``Invalid field: x …`` message."""
    if _SURROGATE.search(value):
        return "must be valid Unicode text (it holds a lone surrogate)"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if not multiline and _BREAK.search(value):
        return "must be a single line (no line breaks or tabs)"
    return None


def days_after(start: dt.date, days: int, field: str, purpose: str) -> dt.date:
    """The date ``days`` after ``start`` (a default derived from ``field``, which ``purpose`` names), or a
    ``ValidationError`` when it would pass the last date there is, 9999-12-31."""
    try:
        return start + dt.timedelta(days=days)
    except OverflowError:
        raise ValidationError(
            f"Invalid field: {field} is too late: {purpose}, {days} days after it, would be past 9999-12-31", field
        ) from None


def describe_character(character: str) -> str:
    """A character as a person can identify it: ``"日" (U+65E5 CJK UNIFIED IDEOGRAPH-65E5)``."""
    name = unicodedata.name(character, "")
    return f'"{character}" (U+{ord(character):04X}{" " + name if name else ""})'


def check_printable(text: str, field: str, *, name: str | None = None, line: int | None = None) -> None:
    """Refuse ``text`` when it holds a character the PDF font cannot print, naming that character: a document
    never shows "?" or an empty box in place of what was typed. ``name`` and ``line`` place a line item's field
    (``field`` is then its full name, ``lineItems[3].description``)."""
    character = unprintable(text)
    if character is not None:
        problem = f"contains {describe_character(character)}, which invoices cannot print"
        raise ValidationError(f"Invalid field: {field} {problem}", field, name=name, line=line, problem=problem)


class Fields:
    """One input object: checks its type and its keys up front, then reads typed values by name."""

    def __init__(self, data: object, allowed: Collection[str], prefix: str = "", line: int | None = None) -> None:
        """``prefix`` and ``line`` place a line item's fields: ``Fields(item, LINE_FIELDS, "lineItems[3].", 3)``."""
        self.prefix = prefix
        self.line = line
        if not isinstance(data, Mapping):
            where = f"{prefix.rstrip('.')} must be" if prefix else "The request body must be"
            raise ValidationError(
                f"Invalid input: {where} a JSON object",
                prefix.rstrip(".") or None,
                line=line,
                problem="is not an object",
            )
        for key in data:
            if not isinstance(key, str) or key not in allowed:
                raise ValidationError(
                    f"Unknown field: {prefix}{key}", f"{prefix}{key}", line=line, problem="is not a known field"
                )
        self.data: Mapping[str, Any] = data

    def name(self, key: str) -> str:
        """The field's full name as messages show it, e.g. ``lineItems[2].quantity``."""
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        """Whether the input carries this field at all (``None`` counts as carried)."""
        return key in self.data

    def invalid(self, key: str, problem: str, worded: str | None = None) -> ValidationError:
        """A ``ValidationError`` for this field: ``Invalid field: <name> <problem>``; ``worded`` is the problem as a
        person reads it when ``problem`` names other fields as the API does (``taxRate``)."""
        return ValidationError(
            f"Invalid field: {self.name(key)} {problem}",
            self.name(key),
            name=key,
            line=self.line,
            problem=worded or problem,
        )

    def missing(self, key: str) -> ValidationError:
        """The ``ValidationError`` of a required field left out: ``Missing required field: <name>``."""
        return ValidationError(
            f"Missing required field: {self.name(key)}", self.name(key), name=key, line=self.line, problem="is required"
        )

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise self.missing(key)
            return None
        return value

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        max_length: int = 255,
        min_length: int = 0,
        multiline: bool = False,
        printed: bool = True,
    ) -> str | None:
        """A string, stripped of surrounding white space; an empty optional string reads as ``None``.

        One line unless ``multiline`` (addresses, notes, terms, descriptions): a name, a number or an id with a line
        break or a tab would break every list, header and file it is printed in. A ``printed`` text (one that
        documents show) must hold only characters the PDF font can print."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.invalid(key, "must be a string")
        value = value.strip()
        if not value:
            if required or min_length:
                raise self.missing(key)
            return None
        if len(value) < min_length:
            raise self.invalid(key, f"must be at least {min_length} characters")
        if len(value) > max_length:
            raise self.invalid(key, f"must be at most {max_length} characters")
        problem = text_problem(value, multiline=multiline)
        if problem:
            raise self.invalid(key, problem)
        if printed:
            check_printable(value, self.name(key), name=key, line=self.line)
        return value

    def visible_text(self, key: str, *, required: bool = False, max_length: int = 255) -> str | None:
        """One line of text every character of which is seen: for invoice numbers and their prefixes, which people
        tell apart by eye. Bidi controls and zero-width characters (Unicode's format characters) are refused."""
        value = self.text(key, required=required, max_length=max_length, printed=False)
        found = _INVISIBLE.search(value) if value is not None else None
        if found:
            code = f"U+{ord(found[0]):04X}"
            raise self.invalid(key, f"must not contain invisible or direction-changing characters ({code})")
        if value is not None:
            check_printable(value, self.name(key), name=key, line=self.line)
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

    def country(self, key: str) -> str | None:
        """An optional ISO 3166-1 alpha-2 country code (``"de"`` reads as ``"DE"``); empty reads as ``None``."""
        value = self._get(key, False)
        return None if value is None or value == "" else parse_country(value, self.name(key))

    def language(self, key: str, *, required: bool = False) -> Language | None:
        """One of the document languages, ``en``, ``de``, …; an empty optional one reads as ``None``."""
        value = self._get(key, required)
        if value == "" and required:
            raise ValidationError(f"Missing required field: {self.name(key)}", self.name(key))
        return None if value is None or value == "" else parse_language(value, self.name(key))

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
