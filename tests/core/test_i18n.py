"""Document languages: the shipped catalogs are complete and compiled, labels read as a native speaker expects,
and money, dates, numbers and addresses come out as CLDR and the destination country write them."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import cleverinvo
from cleverinvo.core.i18n import catalogs
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.money import currency

TRANSLATED = [language for language in catalogs.LANGUAGES if language != catalogs.SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{\w*\}")


def po_path(language: str) -> Path:
    return catalogs.LOCALE_DIR / language / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po"


def messages(catalog: object) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}  # type: ignore[attr-defined]


def template_ids() -> set[str]:
    with (catalogs.LOCALE_DIR / f"{catalogs.DOMAIN}.pot").open("rb") as pot:
        return set(messages(read_po(pot)))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_label_is_translated_with_the_same_placeholders(language: str) -> None:
    with po_path(language).open("rb") as po:
        catalog = read_po(po)
    assert set(messages(catalog)) == template_ids()
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"{language}: {message.id!r} has no translation"
        assert not message.fuzzy, f"{language}: {message.id!r} is fuzzy"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_matches_its_source(language: str) -> None:
    with po_path(language).open("rb") as po:
        source = messages(read_po(po))
    with po_path(language).with_suffix(".mo").open("rb") as mo:
        compiled = messages(read_mo(mo))
    assert compiled == source, f"run: pybabel compile -D cleverinvo -d {catalogs.LOCALE_DIR}"


def test_every_label_in_the_code_is_in_the_template() -> None:
    package = Path(cleverinvo.__file__).parent
    used = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords={"gettext": None, "N_": None}
        )
    }
    assert used, "no labels found: the extraction keywords changed?"
    assert used <= template_ids(), f"not in the template: {sorted(used - template_ids())}"


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("de", {"Invoice": "Rechnung", "Service date": "Leistungsdatum", "Due date": "Zahlbar bis"}),
        ("fr", {"Invoice": "Facture", "Due date": "Date d'échéance"}),
        ("es", {"Invoice": "Factura"}),
        ("it", {"Invoice": "Fattura"}),
        ("nl", {"Invoice": "Factuur"}),
        ("pl", {"Invoice": "Faktura", "Issue date": "Data wystawienia"}),
        ("pt", {"Invoice": "Fatura"}),
        ("en", {"Invoice": "Invoice", "Page {page} of {pages}": "Page {page} of {pages}"}),
    ],
)
def test_labels_read_as_a_native_speaker_expects(language: str, labels: dict[str, str]) -> None:
    words = document_locale(language)
    for english, expected in labels.items():
        assert words.gettext(english) == expected


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="ja"):
        catalogs.translations("ja")


@pytest.mark.parametrize(
    ("language", "country", "money", "day"),
    [
        ("de", "DE", "5.500,00\xa0€", "2. Dez. 2026"),
        ("de", "AT", "€\xa05.500,00", "2. Dez. 2026"),
        ("en", None, "€5,500.00", "Dec 2, 2026"),
        ("en", "GB", "€5,500.00", "2 Dec 2026"),
        ("fr", "FR", "5\u202f500,00\xa0€", "2 déc. 2026"),
        ("pl", "PL", "5\xa0500,00\xa0€", "2 gru 2026"),
        ("nl", "NL", "€\xa05.500,00", "2 dec 2026"),
        ("es", "ES", "5.500,00\xa0€", "2 dic 2026"),
        ("it", "IT", "5.500,00\xa0€", "2 dic 2026"),
        ("pt", "PT", "5\xa0500,00\xa0€", "2/12/2026"),
    ],
)
def test_money_and_dates_follow_cldr_for_the_language_and_the_sellers_country(
    language: str, country: str | None, money: str, day: str
) -> None:
    words = document_locale(language, country)
    assert words.money(Decimal("5500"), currency("EUR")) == money
    assert words.date(dt.date(2026, 12, 2)) == day


def test_prices_keep_their_places_quantities_and_rates_lose_trailing_zeros() -> None:
    de, en = document_locale("de", "DE"), document_locale("en")
    eur = currency("EUR")
    assert de.price(Decimal("33.335"), eur) == "33,335\xa0€"
    assert en.price(Decimal("4.5"), eur) == "€4.50"
    assert en.money(Decimal("33.335"), eur) == "€33.34"
    assert de.quantity(Decimal("1250.50")) == "1.250,5"
    assert de.percent(Decimal("19")) == "19\xa0%"
    assert en.percent(Decimal("12.3456")) == "12.3456%"
    assert en.percent(Decimal("0")) == "0%"


def test_addresses_follow_the_destination_country() -> None:
    de = document_locale("de", "DE")
    assert de.address("Hauptstr. 1", "10115", "Berlin", "DE", home_country="DE") == ["Hauptstr. 1", "10115 Berlin"]
    assert de.address("ul. Piotrkowska 104", "90-926", "Łódź", "PL", home_country="DE") == [
        "ul. Piotrkowska 104",
        "90-926 Łódź",
        "Polen",
    ]
    assert de.address("1200 Market Street\nSuite 400", "94102", "San Francisco, CA", "US", "DE") == [
        "1200 Market Street",
        "Suite 400",
        "San Francisco, CA 94102",
        "Vereinigte Staaten",
    ]
    en = document_locale("en")
    assert en.address("10 Downing Street", "SW1A 2AA", "London", "GB") == [
        "10 Downing Street",
        "London",
        "SW1A 2AA",
        "United Kingdom",
    ]
    assert en.address("Bahnhofstrasse 1", "8001", "Zürich", "CH") == ["Bahnhofstrasse 1", "8001 Zürich", "Switzerland"]
    assert en.address("Free text only\nno city", None, None, None) == ["Free text only", "no city"]
    assert document_locale("pl").country_name("de") == "Niemcy"
