"""Money: ISO 4217 currencies with their minor units, exact Decimal arithmetic, half-up rounding, formatting.

Every money value in CleverInvo is a ``decimal.Decimal``. Arithmetic runs in ``CONTEXT``: enough precision that
products of the largest allowed inputs stay exact, and float mixing trapped. Rounding to a currency happens once,
at the boundary, with ``ROUND_HALF_UP``.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    FloatOperation,
    InvalidOperation,
    Overflow,
)
from functools import cache

import babel.core
from babel.numbers import format_currency, format_decimal, get_currency_precision

from cleverinvo.core.errors import ValidationError

CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_UP,
    traps=[InvalidOperation, DivisionByZero, Overflow, FloatOperation],
)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency in current use, with the number of digits of its minor unit."""

    code: str
    digits: int

    @property
    def quantum(self) -> Decimal:
        """The smallest amount of this currency: ``0.01`` for USD, ``1`` for JPY, ``0.001`` for KWD."""
        return Decimal(1).scaleb(-self.digits)


@cache
def _codes_in_use() -> frozenset[str]:
    """Codes that CLDR lists as legal tender somewhere today (withdrawn and test codes left out)."""
    territories = babel.core.get_global("territory_currencies")
    return frozenset(
        code for entries in territories.values() for code, _start, end, tender in entries if tender and end is None
    )


def known_currencies() -> list[str]:
    """Every accepted currency code, sorted."""
    return sorted(_codes_in_use())


def currency(code: object, field: str = "currency") -> Currency:
    """The ``Currency`` for an ISO 4217 code; anything else is a ``ValidationError`` on ``field``."""
    if not isinstance(code, str):
        raise ValidationError(f"Invalid field: {field} must be a string", field, problem="must be a string")
    normalized = code.strip().upper()
    if normalized not in _codes_in_use():
        raise ValidationError(
            f"Invalid field: {field} '{code}' is not a known ISO 4217 currency code",
            field,
            problem=f"'{code}' is not a known currency code (such as EUR, USD, JPY)",
        )
    return _known(normalized)


@cache
def _known(code: str) -> Currency:
    """One ``Currency`` per known code, made once: every listed document asks for its currency."""
    return Currency(code, get_currency_precision(code))


def round_money(value: Decimal, cur: Currency) -> Decimal:
    """``value`` rounded half-up to the currency's minor unit."""
    return value.quantize(cur.quantum, rounding=ROUND_HALF_UP, context=CONTEXT)


def to_minor(value: Decimal, cur: Currency) -> int:
    """An amount already rounded to ``cur`` as an integer count of minor units (how money is stored)."""
    scaled = value.scaleb(cur.digits, context=CONTEXT)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {cur.digits} decimal places for {cur.code}")
    return int(scaled)


def from_minor(minor: int, cur: Currency) -> Decimal:
    """An integer count of minor units as a Decimal with exactly the currency's places."""
    return Decimal(minor).scaleb(-cur.digits, CONTEXT)


_ALPHA_EDGE = re.compile(r"^([A-Z]{3})(?=[\d\-−])|(?<=\d)([A-Z]{3})$")


def format_money(value: Decimal, cur: Currency, locale: str = "en_US", *, all_places: bool = False) -> str:
    """``$5,500.00``, ``¥3,669``, ``KWD 1.235``: the amount in the locale's pattern with the currency's places;
    with ``all_places``, places beyond the currency's are kept (a unit price of ``$33.335``).

    CLDR puts a space between a letter-code symbol and its digits ("currency spacing"); Babel does not, so
    the space is added here.
    """
    text = format_currency(value, cur.code, locale=locale, currency_digits=True, decimal_quantization=not all_places)
    return _ALPHA_EDGE.sub(lambda m: f"{m.group(1)}\u00a0" if m.group(1) else f"\u00a0{m.group(2)}", text)


def format_quantity(value: Decimal, locale: str = "en_US") -> str:
    """A quantity without trailing zeros: ``40``, ``1.5``, ``1,250``."""
    normalized = value.normalize(CONTEXT)
    places = max(0, -normalized.as_tuple().exponent)  # type: ignore[operator]
    return format_decimal(normalized, format=f"#,##0.{'#' * places}" if places else "#,##0", locale=locale)


def parse_date(text: str, field: str) -> dt.date:
    """A ``YYYY-MM-DD`` date, or a ``ValidationError`` naming the field."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"Invalid field: {field} must be a date as YYYY-MM-DD", field, problem="must be a date as YYYY-MM-DD"
        ) from None
