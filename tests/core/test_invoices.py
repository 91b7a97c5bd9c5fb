"""Invoices: creation with exact totals, validation, DRAFT-only updates, deletion, listing and search."""

import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.core import Conflict, NotFound, Status, ValidationError, clock
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line

D = Decimal


def test_the_seed_invoice_and_its_update(books, client):
    body = invoice_body(
        client.id,
        line(taxRate=10),
        invoiceNumber="INV-0042",
        currency="USD",
        issueDate="2024-06-01",
        dueDate="2024-07-01",
        notes="Thank you for your business",
        terms="Payment due within 30 days",
    )
    made = books.invoices.create(body)
    assert (made.number, made.status, made.subtotal, made.tax_total, made.discount_total, made.total) == (
        "INV-0042",
        Status.DRAFT,
        D("5000.00"),
        D("500.00"),
        D("0.00"),
        D("5500.00"),
    )
    assert made.line_items[0].amount == D("5000.00") and made.version == 1
    assert (made.issue_date, made.due_date) == (dt.date(2024, 6, 1), dt.date(2024, 7, 1))
    updated = books.invoices.update(
        made.id,
        {"dueDate": "2024-07-15", "lineItems": [line(quantity=50, taxRate=10)], "notes": "Updated scope"},
    )
    assert (updated.total, updated.notes, updated.terms, updated.version) == (
        D("6875.00"),
        "Updated scope",
        "Payment due within 30 days",
        2,
    )
    assert len(updated.line_items) == 1


def test_defaults_automatic_number_today_account_currency_and_30_days(books, client):
    made = books.invoices.create(invoice_body(client.id))
    assert made.number == "INV-0001"
    assert made.currency.code == "USD"
    assert made.issue_date == clock.today()
    assert made.due_date == clock.today() + dt.timedelta(days=30)


def test_numbering_follows_the_account_settings_and_steps_over_taken_numbers(books, client):
    books.settings.update({"numberPrefix": "ZO-", "numberWidth": 3, "nextNumber": 7})
    books.invoices.create(invoice_body(client.id, invoiceNumber="ZO-008"))
    numbers = [books.invoices.create(invoice_body(client.id)).number for _ in range(3)]
    assert numbers == ["ZO-007", "ZO-009", "ZO-010"]
    assert books.settings.get().next_number == 11


def test_a_taken_number_is_a_conflict_and_changes_nothing(books, client):
    books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042"))
    with pytest.raises(Conflict):
        books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042"))
    other = books.invoices.create(invoice_body(client.id))
    with pytest.raises(Conflict):
        books.invoices.update(other.id, {"invoiceNumber": "INV-0042"})
    assert books.invoices.list().total == 2
    assert books.invoices.get(other.id).number == other.number


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lineItems": None}, "Missing required field: lineItems"),
        ({"lineItems": []}, "Invalid field: lineItems must have at least one item"),
        ({"lineItems": "x"}, "Invalid field: lineItems must be a list"),
        ({"lineItems": [{"quantity": 1, "unitPrice": 1}]}, "Missing required field: lineItems[0].description"),
        (
            {"lineItems": [line(description="d" * 1001)]},
            "Invalid field: lineItems[0].description must be at most 1000 characters",
        ),
        ({"lineItems": [line(quantity=0)]}, "Invalid field: lineItems[0].quantity must be greater than 0"),
        ({"lineItems": [line(), line(unit_price=D("-1"))]}, "Invalid field: lineItems[1].unitPrice must be at least 0"),
        ({"lineItems": [line(quantity=1.5)]}, "Invalid field: lineItems[0].quantity must be a number"),
        ({"lineItems": [line(quantity="2")]}, "Invalid field: lineItems[0].quantity must be a number"),
        ({"lineItems": [line(quantity=True)]}, "Invalid field: lineItems[0].quantity must be a number"),
        ({"lineItems": [line(quantity=D("NaN"))]}, "Invalid field: lineItems[0].quantity must be a finite number"),
        ({"lineItems": [line(taxRate=101)]}, "Invalid field: lineItems[0].taxRate must be at most 100"),
        ({"lineItems": [line(discountRate=-1)]}, "Invalid field: lineItems[0].discountRate must be at least 0"),
        ({"lineItems": [line(colour=1)]}, "Unknown field: lineItems[0].colour"),
        ({"lineItems": [line(quantity=10**10)]}, "Invalid field: lineItems[0].quantity must be at most 1000000000"),
        (
            {"lineItems": [line(quantity=10**9, unit_price=D(10**9))]},
            "Invalid field: lineItems amounts exceed the largest invoice total, 100,000,000,000",
        ),
        ({"currency": "ZZZ"}, "Invalid field: currency 'ZZZ' is not a known ISO 4217 currency code"),
        ({"issueDate": "2024-13-01"}, "Invalid field: issueDate must be a date as YYYY-MM-DD"),
        ({"issueDate": "2024-06-01T00:00:00"}, "Invalid field: issueDate must be a date as YYYY-MM-DD"),
        ({"issueDate": "2024-06-10", "dueDate": "2024-06-09"}, "Invalid field: dueDate must not be before issueDate"),
        ({"clientId": "cnope"}, "Invalid field: clientId does not name an active client of this account"),
        ({"clientId": None}, "Missing required field: clientId"),
        ({"invoiceNumber": 42}, "Invalid field: invoiceNumber must be a string"),
        ({"total": 1}, "Unknown field: total"),
    ],
)
def test_bad_invoice_input_is_refused_and_changes_nothing(books, client, change, message):
    with pytest.raises(ValidationError) as err:
        books.invoices.create({**invoice_body(client.id), **change})
    assert err.value.message == message
    assert books.invoices.list().total == 0
    assert models.LineItem.select().count() == 0
    assert books.settings.get().next_number == 1


def test_an_archived_client_takes_no_new_invoice(books, client):
    books.clients.archive(client.id)
    with pytest.raises(ValidationError) as err:
        books.invoices.create(invoice_body(client.id))
    assert err.value.field == "clientId"


def test_only_drafts_can_be_modified(books, client):
    made = books.invoices.create(invoice_body(client.id))
    books.invoices.mark_sent(made.id)
    with pytest.raises(Conflict) as err:
        books.invoices.update(made.id, {"notes": "late change"})
    assert "Only DRAFT invoices can be modified" in err.value.message
    assert books.invoices.get(made.id).notes is None


def test_failed_update_changes_nothing(books, client):
    made = books.invoices.create(invoice_body(client.id))
    with pytest.raises(ValidationError):
        books.invoices.update(made.id, {"notes": "new", "lineItems": [line(quantity=-1)]})
    with pytest.raises(ValidationError):
        books.invoices.update(made.id, {"notes": "new", "dueDate": "1999-01-01"})
    assert books.invoices.get(made.id) == made


def test_changing_currency_recomputes_stored_lines(books, client):
    made = books.invoices.create(invoice_body(client.id, line(quantity=3, unit_price="1223.4", taxRate=10)))
    assert made.total == D("4037.22")
    in_yen = books.invoices.update(made.id, {"currency": "JPY"})
    assert (in_yen.currency.code, in_yen.subtotal, in_yen.tax_total, in_yen.total) == ("JPY", D(3670), D(367), D(4037))


def test_delete_removes_a_draft_with_its_lines_and_history(books, client):
    made = books.invoices.create(invoice_body(client.id))
    books.invoices.update(made.id, {"notes": "changed"})
    books.invoices.delete(made.id)
    with pytest.raises(NotFound):
        books.invoices.get(made.id)
    assert models.LineItem.select().count() == 0 and models.InvoiceEvent.select().count() == 0
    with pytest.raises(NotFound):
        books.invoices.delete(made.id)


def test_list_search_by_number_and_client_and_filter_by_client(books, client):
    other = books.clients.create({"name": "Zoë Ørsted", "email": "zoe@studio.example"})
    a = books.invoices.create(invoice_body(client.id, invoiceNumber="ACME-1"))
    b = books.invoices.create(invoice_body(other.id, invoiceNumber="ZO_1"))
    assert [i.id for i in books.invoices.list().items] == [b.id, a.id]
    assert [i.id for i in books.invoices.list(search="acme-").items] == [a.id]
    assert [i.id for i in books.invoices.list(search="ZOË").items] == [b.id]
    assert [i.id for i in books.invoices.list(search="studio").items] == [b.id]
    assert [i.id for i in books.invoices.list(search="o_1").items] == [b.id]
    assert [i.id for i in books.invoices.list(search="_").items] == [b.id]
    assert [i.id for i in books.invoices.list(client_id=client.id).items] == [a.id]
    assert books.invoices.list().items[0].client.name == "Zoë Ørsted"


def test_duplicate_makes_a_new_draft_with_the_same_lines(books, client):
    made = books.invoices.create(
        invoice_body(
            client.id, line(taxRate=10), line("Hosting", 1, "20.00"), issueDate="2024-01-01", dueDate="2024-01-15"
        )
    )
    books.invoices.mark_sent(made.id)
    copy = books.invoices.duplicate(made.id)
    assert copy.id != made.id and copy.number == "INV-0002" and copy.status == Status.DRAFT
    assert [li.description for li in copy.line_items] == ["Web Development", "Hosting"]
    assert copy.total == made.total
    assert copy.issue_date == clock.today() and copy.due_date - copy.issue_date == dt.timedelta(days=14)


def test_a_copy_to_edit_takes_no_number_until_it_is_saved(books, client):
    made = books.invoices.create(invoice_body(client.id, issueDate="2024-01-01", dueDate="2024-01-15", notes="n"))
    copy = books.invoices.copy_of(made.id)
    assert (copy["clientId"], copy["notes"], copy["dueDate"] - copy["issueDate"]) == (
        client.id,
        "n",
        dt.timedelta(days=14),
    )
    assert "invoiceNumber" not in copy
    assert books.invoices.list().total == 1 and books.settings.get().next_number == 2
    assert books.invoices.create(copy).number == "INV-0002"


def test_a_line_error_carries_its_field_and_its_line(books, client):
    with pytest.raises(ValidationError) as err:
        books.invoices.create(invoice_body(client.id, line(), line(), line(), line(quantity="x")))
    error = err.value
    assert (error.field, error.name, error.line, error.problem) == (
        "lineItems[3].quantity",
        "quantity",
        3,
        "must be a number",
    )
    assert error.message == "Invalid field: lineItems[3].quantity must be a number"
    with pytest.raises(ValidationError) as err:
        books.invoices.create(invoice_body(client.id, line(), {"quantity": 1, "unitPrice": 1}))
    assert (err.value.name, err.value.line, err.value.problem) == ("description", 1, "is required")


def test_preview_totals_computes_without_saving(books, client):
    from cleverinvo.core.billing.lines import preview_totals

    totals = preview_totals("USD", [line(taxRate=10), line("x", 1, "0.10")])
    assert totals.total == D("5500.10")
    assert books.invoices.list().total == 0
