"""Line items, the part of every document (invoice, quote, credit note) that makes its totals: a body's lines
read into exact values and checked (bounds, tax categories, what the PDF can print), their totals within what
CleverInvo stores, and stored lines read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cleverinvo.core.billing import print_caps
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import LineInput, Totals, compute_totals
from cleverinvo.core.errors import ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.money import HUNDRED, ZERO, Currency, currency, from_minor, to_minor
from cleverinvo.core.records import LineItem
from cleverinvo.core.storage import models

LINE_FIELDS = ("description", "quantity", "unitPrice", "taxRate", "discountRate", "taxCategory")
MAX_QUANTITY = Decimal("1000000000")
MAX_UNIT_PRICE = Decimal("100000000000")
MAX_AMOUNT = Decimal("100000000000")  # any line amount and any invoice total; keeps SQL sums in 64 bits
MAX_LINES = 1000


@dataclass(frozen=True, slots=True)
class ParsedLine:
    description: str
    values: LineInput


def parse_lines(raw: Sequence[Any]) -> list[ParsedLine]:
    """Line items as given (a list of objects) into exact values, each checked with its own field name."""
    lines = []
    for index, item in enumerate(raw):
        f = Fields(item, LINE_FIELDS, prefix=f"lineItems[{index}].", line=index)
        description = f.text("description", required=True, max_length=1000, multiline=True)
        assert description is not None
        print_caps.check_description(description, f.name("description"))
        quantity = f.decimal("quantity", required=True, above=ZERO, maximum=MAX_QUANTITY)
        unit_price = f.decimal("unitPrice", required=True, minimum=ZERO, maximum=MAX_UNIT_PRICE)
        tax_rate = f.decimal("taxRate", minimum=ZERO, maximum=HUNDRED, places=4)
        discount_rate = f.decimal("discountRate", minimum=ZERO, maximum=HUNDRED, places=4)
        category = _category(f, tax_rate or ZERO)
        assert quantity is not None and unit_price is not None
        lines.append(
            ParsedLine(
                description,
                LineInput(quantity, unit_price, tax_rate or ZERO, discount_rate or ZERO, category),
            )
        )
    return lines


def _category(f: Fields, rate: Decimal) -> TaxCategory:
    """A line's ``taxCategory``: the one given, which must fit the rate, else the default for the rate."""
    given = f.data.get("taxCategory")
    if given is None:
        return TaxCategory.default_for(rate)
    try:
        category = TaxCategory(given)
    except ValueError:
        raise f.invalid("taxCategory", f"must be one of {', '.join(c.value for c in TaxCategory)}") from None
    problem = category.rate_problem(rate)
    if problem is not None:
        raise f.invalid("taxCategory", problem, category.rate_problem(rate, "tax rate"))
    return category


def needing_exemption(lines: Sequence[ParsedLine]) -> tuple[int, TaxCategory] | None:
    """The first line (its index and category) that is exempt, reverse-charged, intra-EU, exported or out of
    scope, which the document must say why; ``None`` when there is none."""
    categories = ((index, line.values.category) for index, line in enumerate(lines))
    return next(((index, category) for index, category in categories if category.needs_exemption_reason), None)


def check_exemption(lines: Sequence[ParsedLine], reason: str | None) -> None:
    """Lines exempt, reverse-charged, intra-EU, exported or out of scope need the invoice to say why."""
    found = None if reason else needing_exemption(lines)
    if found is not None:
        index, category = found
        raise ValidationError(
            f"Missing required field: taxExemptionReason (lineItems[{index}] has tax category "
            f"{category.value}, {category.label})",
            "taxExemptionReason",
            problem=f"is required: line {index + 1} has tax category {category.value} ({category.label})",
        )


def totals_within_bounds(lines: Sequence[ParsedLine], cur: Currency) -> Totals:
    """The totals of these lines, refusing amounts beyond what CleverInvo stores."""
    totals = compute_totals([line.values for line in lines], cur)
    if max((r.amount for r in totals.lines), default=ZERO) > MAX_AMOUNT or totals.total > MAX_AMOUNT:
        raise ValidationError(
            f"Invalid field: lineItems amounts exceed the largest invoice total, {MAX_AMOUNT:,}", "lineItems"
        )
    return totals


def preview_totals(currency_code: str, raw_lines: Sequence[Mapping[str, Any]]) -> Totals:
    """The totals an invoice with these lines would have, without saving anything (live totals in an editor)."""
    return totals_within_bounds(parse_lines(raw_lines), currency(currency_code))


def line_rows(lines: Sequence[ParsedLine], totals: Totals, cur: Currency) -> list[dict[str, Any]]:
    """The stored columns of each line (of an invoice, a quote or a credit note), without the document it belongs to."""
    return [
        {
            "position": position,
            "description": line.description,
            "quantity": line.values.quantity,
            "unit_price": line.values.unit_price,
            "tax_rate": line.values.tax_rate,
            "discount_rate": line.values.discount_rate,
            "tax_category": line.values.category.value,
            "amount_minor": to_minor(result.amount, cur),
            "discount_minor": to_minor(result.discount, cur),
        }
        for position, (line, result) in enumerate(zip(lines, totals.lines, strict=True))
    ]


def line_record(row: models.LineItem | models.QuoteLine | models.CreditNoteLine, cur: Currency) -> LineItem:
    """A stored line (of an invoice, a quote or a credit note) as the core hands it out."""
    return LineItem(
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        tax_rate=row.tax_rate,
        discount_rate=row.discount_rate,
        amount=from_minor(row.amount_minor, cur),
        discount=from_minor(row.discount_minor, cur),
        tax_category=TaxCategory(row.tax_category),
    )


def line_input(row: models.LineItem | models.QuoteLine | models.CreditNoteLine) -> LineInput:
    return LineInput(row.quantity, row.unit_price, row.tax_rate, row.discount_rate, TaxCategory(row.tax_category))


def line_fields(line: LineItem) -> dict[str, Any]:
    """A line as ``create`` takes it back (copies of invoices, invoices made from quotes)."""
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "taxRate": line.tax_rate,
        "discountRate": line.discount_rate,
        "taxCategory": line.tax_category.value,
    }
