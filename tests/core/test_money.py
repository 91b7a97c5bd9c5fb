"""Currencies, rounding, formatting and the exact totals rule, including property-based checks."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleverinvo.core import ValidationError
from cleverinvo.core.billing.totals import LineInput, compute_totals
from cleverinvo.core.money import currency, format_money, format_quantity, from_minor, to_minor

D = Decimal


def test_currencies_have_their_iso_minor_units():
    assert currency("USD").digits == 2
    assert currency("jpy").digits == 0
    assert currency("KWD").digits == 3


@pytest.mark.parametrize("code", ["ZZZ", "XTS", "ADP", "", "usd1", 840, None])
def test_unknown_or_withdrawn_currency_codes_are_refused(code):
    with pytest.raises(ValidationError) as err:
        currency(code)
    assert err.value.field == "currency"


def test_seed_worked_example():
    usd = currency("USD")
    forty = compute_totals([LineInput(D(40), D("125.00"), D(10))], usd)
    assert (forty.subtotal, forty.tax_total, forty.discount_total, forty.total) == (
        D("5000.00"),
        D("500.00"),
        D("0.00"),
        D("5500.00"),
    )
    assert compute_totals([LineInput(D(50), D("125.00"), D(10))], usd).total == D("6875.00")


def test_point_one_times_three_plus_point_two_is_exactly_half():
    totals = compute_totals([LineInput(D("0.1"), D(3)), LineInput(D(1), D("0.2"))], currency("USD"))
    assert totals.total == D("0.50")
    assert str(totals.total) == "0.50"


def test_floats_get_these_wrong_and_we_do_not():
    assert sum([1.10] * 10) != 11.0  # binary floats drift here
    lines = [LineInput(D("1.10"), D(1)) for _ in range(10)]
    assert compute_totals(lines, currency("USD")).total == D("11.00")


def test_half_up_rounding_per_line_then_tax_once_per_rate():
    usd = currency("USD")
    # 3 × 0.335 = 1.005 → 1.01 (half-up, not banker's 1.00)
    totals = compute_totals([LineInput(D(3), D("0.335"), D(20)), LineInput(D(1), D("0.015"), D(20))], usd)
    assert [r.amount for r in totals.lines] == [D("1.01"), D("0.02")]
    # tax on the rate's base 1.03 × 20 % = 0.206 → 0.21 (per line it would be 0.20 + 0.00)
    assert totals.tax_total == D("0.21")
    assert totals.taxes[0].base == D("1.03")


def test_discount_and_several_rates():
    usd = currency("USD")
    totals = compute_totals(
        [LineInput(D(2), D("100"), D("19"), D("10")), LineInput(D(1), D("50"), D("7")), LineInput(D(1), D(30))], usd
    )
    assert totals.subtotal == D("280.00")
    assert totals.discount_total == D("20.00")
    assert [(t.rate, t.base, t.tax) for t in totals.taxes] == [
        (D(0), D("30.00"), D("0.00")),
        (D(7), D("50.00"), D("3.50")),
        (D(19), D("180.00"), D("34.20")),
    ]
    assert totals.total == D("297.70")


def test_jpy_and_kwd():
    jpy = compute_totals([LineInput(D(3), D("1223.4"), D(10))], currency("JPY"))
    assert (jpy.subtotal, jpy.tax_total, jpy.total) == (D(3670), D(367), D(4037))
    kwd = compute_totals([LineInput(D(1), D("1.2345"), D(0))], currency("KWD"))
    assert kwd.total == D("1.235")
    assert str(kwd.total) == "1.235"


def test_minor_units_round_trip_exactly():
    kwd = currency("KWD")
    assert to_minor(D("1.235"), kwd) == 1235
    assert from_minor(1235, kwd) == D("1.235")
    assert str(from_minor(500000, currency("USD"))) == "5000.00"
    with pytest.raises(ValueError):
        to_minor(D("1.2345"), kwd)


def test_formatting_for_the_currency():
    assert format_money(D("5500.00"), currency("USD")) == "$5,500.00"
    assert format_money(D("3669"), currency("JPY")) == "¥3,669"
    assert format_money(D("1.235"), currency("KWD")) == "KWD\u00a01.235"
    assert format_quantity(D("40.000")) == "40"
    assert format_quantity(D("1250.50")) == "1,250.5"


codes = st.sampled_from(["USD", "EUR", "JPY", "KWD", "CLP", "BHD", "GBP"])
quantities = st.decimals(min_value=D("0.001"), max_value=D(10000), places=3)
prices = st.decimals(min_value=D(0), max_value=D(1000000), places=4)
rates = st.decimals(min_value=D(0), max_value=D(100), places=2)
lines = st.lists(st.builds(LineInput, quantities, prices, rates, rates), min_size=1, max_size=30)


@given(lines=lines, code=codes)
def test_total_is_exactly_subtotal_minus_discount_plus_tax(lines, code):
    cur = currency(code)
    totals = compute_totals(lines, cur)
    assert totals.total == totals.subtotal - totals.discount_total + totals.tax_total
    assert totals.subtotal == sum(r.amount for r in totals.lines)
    assert totals.tax_total == sum(t.tax for t in totals.taxes)
    figures = [totals.subtotal, totals.discount_total, totals.tax_total, totals.total]
    figures += [r.amount for r in totals.lines] + [r.discount for r in totals.lines] + [t.tax for t in totals.taxes]
    for figure in figures:
        assert isinstance(figure, Decimal)
        assert figure.as_tuple().exponent == -cur.digits


@given(lines=lines)
def test_line_order_does_not_change_the_totals(lines):
    usd = currency("USD")
    forward, backward = compute_totals(lines, usd), compute_totals(lines[::-1], usd)
    assert (forward.total, forward.tax_total) == (backward.total, backward.tax_total)
