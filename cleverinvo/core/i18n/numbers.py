"""Numbers typed by a person, read as their language writes them, strictly: never guessed.

``19,99`` is 19.99 in German; in English the same text is refused with a message that says what was probably
meant (``did you mean 19.99?``), because reading it as 1999 or as 19.99 would both be a guess. Exponents
(``1e3``), ``NaN``, ``Infinity`` and underscores are refused in every language. JSON numbers sent to the API
never pass through here: they are numbers already.
"""

from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
    parse_decimal,
)

from cleverinvo.core.errors import ValidationError

DEFAULT_LANGUAGE = "en"
_SPACES = frozenset(" \u00a0\u202f")  # a space typed where the language groups digits with a (narrow) no-break one
_EXAMPLE = Decimal("1234.56")


@cache
def _symbols(language: str) -> tuple[frozenset[str], str]:
    """The characters a number may hold in ``language`` besides digits, and its group symbol."""
    group = get_group_symbol(language)
    allowed = {get_decimal_symbol(language), group, get_plus_sign_symbol(language), get_minus_sign_symbol(language)}
    allowed |= {"+", "-"}
    if group in _SPACES:
        allowed |= _SPACES
    return frozenset(allowed), group


def language_name(language: str) -> str:
    """The language's name in English, as messages name it: ``German``, ``French (Switzerland)``."""
    return Locale.parse(language).get_display_name("en") or language


def number_example(language: str) -> str:
    """How ``language`` writes one thousand two hundred thirty-four and 56 hundredths: ``1.234,56``."""
    return format_decimal(_EXAMPLE, locale=language)


def parse_number(text: str, language: str, field: str, *, line: int | None = None) -> Decimal:
    """``text`` as an exact Decimal, read in ``language`` (a Babel locale such as ``de`` or ``en``).

    A refusal is a ``ValidationError`` on ``field`` (``line`` is the index of its line item, if any) whose
    ``problem`` says how the language writes numbers and, when Babel can tell, what was probably meant.
    """
    path = f"lineItems[{line}].{field}" if line is not None else field
    allowed, group = _symbols(language)
    stripped = text.strip()
    if group in _SPACES:
        stripped = "".join(group if ch in _SPACES else ch for ch in stripped)
    suggestion: str | None = None
    value: Decimal | None = None
    if stripped and all(ch.isdecimal() or ch in allowed for ch in stripped):
        try:
            value = parse_decimal(stripped, locale=language, strict=True)
        except NumberFormatError as error:
            suggestion = error.suggestions[-1] if error.suggestions else None
    if value is not None and value.is_finite():
        return value
    problem = f"must be a number as {language_name(language)} writes it, e.g. {number_example(language)}"
    if suggestion is not None:
        problem += f"; did you mean {suggestion}?"
    raise ValidationError(f"Invalid field: {path} {problem}", path, name=field, line=line, problem=problem)
