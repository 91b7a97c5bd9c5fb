"""What one invoice may print: lines per description and printed lines in all, refused at create and update with a
clear error that changes nothing."""

import pytest

from cleverinvo.core import ValidationError
from cleverinvo.core.billing.print_caps import MAX_DESCRIPTION_LINES, MAX_PRINTED_LINES, WRAP_CHARS, printed_lines
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line


def test_printed_lines_count_line_breaks_and_wrapping():
    assert printed_lines(None) == printed_lines("") == 0
    assert printed_lines("one") == 1
    assert printed_lines("one\ntwo\n\nfour") == 4
    assert printed_lines("x" * WRAP_CHARS) == 1
    assert printed_lines("x" * (WRAP_CHARS + 1) + "\ny") == 3


def test_a_description_of_too_many_lines_is_refused_at_create(books, client):
    fine = "\n".join(["a line"] * MAX_DESCRIPTION_LINES)
    books.invoices.create(invoice_body(client.id, line(description=fine)))
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, line(), line(description=fine + "\none more")))
    assert refused.value.message == (
        f"Invalid field: lineItems[1].description must be at most {MAX_DESCRIPTION_LINES} lines"
    )
    assert refused.value.field == "lineItems[1].description"
    assert models.Invoice.select().count() == 1


def test_an_invoice_printing_too_much_is_refused_at_create(books, client):
    ten = "\n".join(["a line"] * 10)
    items = [line(description=ten) for _ in range(MAX_PRINTED_LINES // 10)]
    books.invoices.create(invoice_body(client.id, *items))  # exactly the most it may print
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, *items, notes="one line more"))
    assert refused.value.message == (
        f"Invalid field: lineItems, notes and terms would print about {MAX_PRINTED_LINES + 1:,} lines; "
        f"a document may print at most {MAX_PRINTED_LINES:,}"
    )
    assert models.Invoice.select().count() == 1


def test_an_update_is_checked_with_what_it_keeps(books, client):
    ten = "\n".join(["a line"] * 10)
    made = books.invoices.create(invoice_body(client.id, *[line(description=ten)] * (MAX_PRINTED_LINES // 10 - 1)))
    books.invoices.update(made.id, {"notes": ten})  # the stored lines plus the notes: exactly the most
    with pytest.raises(ValidationError, match="would print about 2,001 lines"):
        books.invoices.update(made.id, {"terms": "one more"})
    with pytest.raises(ValidationError, match="would print about 2,001 lines"):
        books.invoices.update(
            made.id, {"lineItems": [line(description=ten)] * (MAX_PRINTED_LINES // 10 - 1) + [line()]}
        )
    with pytest.raises(ValidationError, match=r"lineItems\[0\].description must be at most"):
        books.invoices.update(made.id, {"lineItems": [line(description=ten + "\n" + ten + "\n!")]})
    after = books.invoices.get(made.id)
    assert (after.version, after.terms, len(after.line_items)) == (2, None, MAX_PRINTED_LINES // 10 - 1)
