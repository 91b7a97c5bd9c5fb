"""The options of the choice lists that forms share: countries, document languages, currencies."""

from cleverinvo.core.i18n.regions import country_choices, language_choices
from cleverinvo.core.money import known_currencies

Options = list[tuple[str, str]]


def countries(blank: str = "(none)") -> Options:
    """Every country by its name, with its ISO code beside it; ``blank`` first for "no country"."""
    return [(blank, ""), *((f"{name} ({code})", code) for name, code in country_choices())]


def languages(blank: str | None = None) -> Options:
    """The document languages by name; with ``blank`` first when a language may be left unset."""
    named = list(language_choices())
    return [(blank, ""), *named] if blank is not None else named


def currencies() -> Options:
    """Every accepted currency code."""
    return [(code, code) for code in known_currencies()]
