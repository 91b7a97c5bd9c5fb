"""Numbers typed by a person are read in their language, strictly: never guessed, never reinterpreted."""

from decimal import Decimal as D

import pytest

from cleverinvo.core import ValidationError
from cleverinvo.core.i18n.numbers import parse_number


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("de", "19,99", D("19.99")),
        ("de", "1,5", D("1.5")),
        ("de", "1.250,50", D("1250.50")),
        ("en", "19.99", D("19.99")),
        ("en", " 1,250.50 ", D("1250.50")),
        ("fr", "1 250,5", D("1250.5")),  # a plain space where French groups with a narrow no-break space
        ("fr", "1\u202f250,5", D("1250.5")),
        ("pl", "0,5", D("0.5")),
    ],
)
def test_a_number_is_read_as_its_language_writes_it(language, text, value):
    assert parse_number(text, language, "unitPrice") == value


@pytest.mark.parametrize(
    ("language", "text", "meant"),
    [("en", "19,99", "19.99"), ("en", "1,5", "1.5"), ("de", "19.99", "19,99"), ("de", "1.5", "1,5")],
)
def test_the_other_decimal_mark_is_refused_saying_what_was_probably_meant(language, text, meant):
    with pytest.raises(ValidationError) as refused:
        parse_number(text, language, "unitPrice", line=3)
    error = refused.value
    assert error.problem.endswith(f"did you mean {meant}?")
    assert (error.field, error.name, error.line) == ("lineItems[3].unitPrice", "unitPrice", 3)
    assert ("English" if language == "en" else "German") in error.problem


@pytest.mark.parametrize(
    "text", ["1e3", "1E3", "NaN", "Infinity", "-Infinity", "1_000", "abc", "", "  ", "0x10", "1.2.3"]
)
def test_exponents_words_and_underscores_are_refused_in_every_language(text):
    for language in ("en", "de", "fr"):
        with pytest.raises(ValidationError) as refused:
            parse_number(text, language, "quantity")
        assert refused.value.field == "quantity" and refused.value.line is None
