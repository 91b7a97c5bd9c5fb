"""A document's language and region: its labels, and its money, dates, numbers and countries as CLDR writes them.

    words = document_locale("de", country="DE")
    words.gettext("Invoice")                       # 'Rechnung'
    words.money(Decimal("5500"), currency("EUR"))  # '5.500,00 €'
    words.date(dt.date(2026, 12, 2))               # '2. Dez. 2026'

The PDF, the e-mails, the view page and the TUI all format through this, so one invoice reads the same
everywhere. Formats follow the language as spoken in the seller's country when CLDR knows that pair (``de_AT``,
``fr_CH``, ``en_DE``), else the language's own default (``de``, ``en``: ``Dec 2, 2026``).
"""

import datetime as dt
import gettext
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_skeleton
from babel.localedata import locale_identifiers
from babel.numbers import format_percent

from cleverinvo.core.i18n.addresses import address_lines
from cleverinvo.core.i18n.catalogs import translations
from cleverinvo.core.money import Currency, format_money, format_quantity


@dataclass(frozen=True, slots=True)
class DocumentLocale:
    """Everything language-bound about one document: labels from the catalog, formats from CLDR."""

    language: str
    locale: Locale
    catalog: gettext.NullTranslations

    @property
    def tag(self) -> str:
        """The CLDR locale in use, e.g. ``de_AT``."""
        return str(self.locale)

    def gettext(self, message: str) -> str:
        """The label ``message`` (its English text) in this language."""
        return self.catalog.gettext(message)

    def money(self, value: Decimal, cur: Currency) -> str:
        """An amount with the currency's places: ``5.500,00 €``, ``$5,500.00``."""
        return format_money(value, cur, self.tag)

    def price(self, value: Decimal, cur: Currency) -> str:
        """A unit price with every place it has, at least the currency's: ``33,335 €``, ``$4.50``."""
        return format_money(value, cur, self.tag, all_places=True)

    def quantity(self, value: Decimal) -> str:
        """A quantity without trailing zeros: ``1.250,5``."""
        return format_quantity(value, self.tag)

    def percent(self, rate: Decimal) -> str:
        """A rate given in percent, with every place it has: ``19 %``, ``12.3456%``."""
        return format_percent(rate.scaleb(-2), locale=self.locale, decimal_quantization=False)

    def date(self, day: dt.date) -> str:
        """A date with the month abbreviated: ``2. Dez. 2026``, ``Dec 2, 2026``, ``2 gru 2026``."""
        return format_skeleton("yMMMd", day, locale=self.locale)

    def country_name(self, code: str) -> str:
        """A country's name in this language (``DE`` → ``Deutschland``); an unknown code as it is."""
        return self.locale.territories.get(code.upper(), code)

    def address(
        self,
        street: str | None,
        postal_code: str | None,
        city: str | None,
        country: str | None,
        home_country: str | None = None,
    ) -> list[str]:
        """The printed lines of an address, in its country's order; the country named in this language unless
        it is ``home_country`` (the other party's country: a letter within a country leaves it out)."""
        shown = country and country.upper() != (home_country or "").upper()
        return address_lines(street, postal_code, city, country, self.country_name(country) if shown else None)


@cache
def _known_locales() -> frozenset[str]:
    return frozenset(locale_identifiers())


@cache
def document_locale(language: str, country: str | None = None) -> DocumentLocale:
    """The ``DocumentLocale`` of a document language (``en``, ``de``, …) for a seller in ``country``."""
    regional = f"{language}_{country.upper()}" if country else None
    locale = Locale.parse(regional if regional in _known_locales() else language)
    return DocumentLocale(str(language), locale, translations(str(language)))
