"""Invoice totals as a pure function of values, by the EN 16931 rule.

Per line: ``amount = round(quantity × unitPrice)`` and ``discount = round(amount × discountRate / 100)``.
Tax is computed once per (VAT category, rate) on the sum of that group's discounted line amounts, rounded once;
every group is listed with its base, 0 % groups included, so the bases add up to the net total.
``total = subtotal − discountTotal + taxTotal``. Every figure is rounded half-up to the currency's minor unit.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.money import CONTEXT, HUNDRED, ZERO, Currency, round_money


@dataclass(frozen=True, slots=True)
class LineInput:
    """The exact inputs of one line item."""

    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = ZERO
    discount_rate: Decimal = ZERO
    tax_category: TaxCategory | None = None  # None: the default for the rate

    @property
    def category(self) -> TaxCategory:
        """The line's VAT category: the one given, else ``S`` above 0 % and ``Z`` at 0 %."""
        return self.tax_category or TaxCategory.default_for(self.tax_rate)


@dataclass(frozen=True, slots=True)
class LineTotals:
    """One line's computed money: amount before discount, the discount, and what is taxed."""

    amount: Decimal
    discount: Decimal

    @property
    def net(self) -> Decimal:
        """The discounted amount, the base of the line's tax."""
        return self.amount - self.discount


@dataclass(frozen=True, slots=True)
class TaxLine:
    """The tax of one (category, rate) group: the taxable base (sum of its net line amounts) and the tax."""

    category: TaxCategory
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """Every figure of an invoice, each with exactly the currency's minor units."""

    lines: tuple[LineTotals, ...]
    taxes: tuple[TaxLine, ...]
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal


def line_totals(line: LineInput, cur: Currency) -> LineTotals:
    """Amount and discount of one line, each rounded to the currency."""
    amount = round_money(CONTEXT.multiply(line.quantity, line.unit_price), cur)
    discount = round_money(CONTEXT.divide(CONTEXT.multiply(amount, line.discount_rate), HUNDRED), cur)
    return LineTotals(amount=amount, discount=discount)


def compute_totals(lines: Sequence[LineInput], cur: Currency) -> Totals:
    """All the totals of an invoice with these lines in this currency."""
    computed = tuple(line_totals(line, cur) for line in lines)
    bases: dict[tuple[Decimal, TaxCategory], Decimal] = {}
    for line, result in zip(lines, computed, strict=True):
        group = (line.tax_rate, line.category)
        bases[group] = bases.get(group, ZERO) + result.net
    taxes = tuple(
        TaxLine(
            category=category,
            rate=rate,
            base=base,
            tax=round_money(CONTEXT.divide(CONTEXT.multiply(base, rate), HUNDRED), cur),
        )
        for (rate, category), base in sorted(bases.items())
    )
    subtotal = sum((r.amount for r in computed), start=round_money(ZERO, cur))
    discount_total = sum((r.discount for r in computed), start=round_money(ZERO, cur))
    tax_total = sum((t.tax for t in taxes), start=round_money(ZERO, cur))
    return Totals(
        lines=computed,
        taxes=taxes,
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        total=subtotal - discount_total + tax_total,
    )
