"""Country codes (ISO 3166-1 alpha-2) and document languages, checked and named from CLDR through Babel."""

from functools import cache

import babel

from cleverinvo.core.errors import ValidationError
from cleverinvo.core.records import Language

# CLDR territories with two letters that ISO 3166-1 does not assign to a country: groupings (EU, euro area, UN,
# outlying Oceania), "unknown", the pseudo-locales' regions, codes ISO only reserves, and Kosovo's user code.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA", "XK"})


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code CLDR knows as a country or territory."""
    return frozenset(
        code
        for code in babel.Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


@cache
def country_choices(language: Language = Language.EN) -> tuple[tuple[str, str], ...]:
    """``(name, code)`` of every country, named in ``language`` and sorted by name, for choice lists."""
    names = babel.Locale(language.value).territories
    return tuple(sorted(((names[code], code) for code in country_codes()), key=lambda pair: pair[0].casefold()))


@cache
def language_choices(language: Language = Language.EN) -> tuple[tuple[str, str], ...]:
    """``(name, code)`` of every document language, named in ``language``, for choice lists."""
    names = babel.Locale(language.value).languages
    return tuple((names[code.value], code.value) for code in Language)


def parse_country(value: object, field: str) -> str:
    """An ISO 3166-1 alpha-2 code, any case given, upper-case returned; a ``ValidationError`` otherwise."""
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or code not in country_codes():
        raise ValidationError(f"Invalid field: {field} must be an ISO 3166-1 alpha-2 country code, e.g. DE", field)
    return code


def parse_language(value: object, field: str) -> Language:
    """One of the document languages (``en``, ``de``, …); a ``ValidationError`` otherwise."""
    try:
        return Language(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        problem = f"must be one of {', '.join(code.value for code in Language)}"
        raise ValidationError(f"Invalid field: {field} {problem}", field, problem=problem) from None
