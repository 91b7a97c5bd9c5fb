"""Credit notes: the whole rest or chosen lines, never more than is left, their own numbers, amountCredited,
VOID when everything is credited, amountDue with payments and credits together, and their frozen PDF."""

from decimal import Decimal

import pytest

from cleverinvo.core import Conflict, NotFound, Status, ValidationError
from cleverinvo.core.records import EventType
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line
from tests.core.test_pdf import pages_text

D = Decimal


@pytest.fixture
def issued(books, client):
    made = books.invoices.create(
        invoice_body(
            client.id,
            line("Design", 10, "100.00", taxRate=20),
            line("Hosting", 3, "33.33", taxRate=10),
            dueDate="2999-01-01",
        )
    )
    return books.invoices.mark_sent(made.id)


def test_a_full_credit_note_voids_the_invoice(books, issued):
    assert issued.total == D("1309.99")  # 1000 + 200 tax, 99.99 + 10.00 tax
    credit = books.credit_notes.create(issued.id, {"reason": "Cancelled order"})
    assert (credit.number, credit.invoice_id, credit.invoice_number, credit.reason) == (
        "CN-0001",
        issued.id,
        issued.number,
        "Cancelled order",
    )
    assert (credit.subtotal, credit.tax_total, credit.total) == (issued.subtotal, issued.tax_total, issued.total)
    assert [li.description for li in credit.line_items] == ["Design", "Hosting"]
    after = books.invoices.get(issued.id)
    assert (after.status, after.amount_credited, after.amount_due) == (Status.VOID, D("1309.99"), D("0.00"))
    with pytest.raises(Conflict):
        books.credit_notes.create(issued.id, {"reason": "again"})
    with pytest.raises(Conflict):
        books.invoices.record_payment(issued.id, {"amount": D("1.00")})


def test_partial_then_the_rest_numbered_in_their_own_sequence(books, client, issued):
    first = books.credit_notes.create(
        issued.id, {"reason": "Two days less", "lineItems": [line("Design", 2, "100.00", taxRate=20)]}
    )
    assert (first.number, first.subtotal, first.tax_total, first.total) == ("CN-0001", D(200), D(40), D(240))
    partly = books.invoices.get(issued.id)
    assert (partly.status, partly.amount_credited, partly.amount_due) == (
        Status.PARTIALLY_PAID,
        D("240.00"),
        D("1069.99"),
    )
    other = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    assert other.number == "INV-0002"  # invoices keep their own sequence
    rest = books.credit_notes.create(issued.id, {"reason": "Order cancelled"})
    assert rest.number == "CN-0002"
    assert [(li.description, li.quantity) for li in rest.line_items] == [("Design", D(8)), ("Hosting", D(3))]
    assert first.total + rest.total == issued.total
    assert books.invoices.get(issued.id).status == Status.VOID


def test_never_more_than_is_left_to_credit(books, issued):
    before = books.invoices.get(issued.id)
    for body in (
        {"reason": "too much", "lineItems": [line("Design", 11, "100.00", taxRate=20)]},
        {"reason": "nothing", "lineItems": [line("Free", 1, "0.00")]},
        {"lineItems": [line("Design", 1, "100.00", taxRate=20)]},
        {"reason": "x", "lineItems": []},
        {"reason": "x", "unknown": 1},
        {"reason": "a rate the invoice never charged", "lineItems": [line("Design", 1, "10.00", taxRate=5)]},
        {"reason": "more than this rate's part", "lineItems": [line("Hosting", 1, "150.00", taxRate=10)]},
    ):
        with pytest.raises(ValidationError):
            books.credit_notes.create(issued.id, body)
    books.credit_notes.create(issued.id, {"reason": "most", "lineItems": [line("Design", 10, "100.00", taxRate=20)]})
    with pytest.raises(ValidationError, match="more than is left"):
        books.credit_notes.create(issued.id, {"reason": "x", "lineItems": [line("Hosting", 4, "33.33", taxRate=10)]})
    assert books.credit_notes.list().total == 1
    assert books.invoices.get(issued.id).amount_credited == D("1200.00")
    assert before.version < books.invoices.get(issued.id).version


def test_a_draft_is_not_credited_and_nothing_changes(books, client):
    draft = books.invoices.create(invoice_body(client.id))
    with pytest.raises(Conflict, match="draft"):
        books.credit_notes.create(draft.id, {"reason": "x"})
    with pytest.raises(NotFound):
        books.credit_notes.create("nope", {"reason": "x"})
    assert models.CreditNote.select().count() == 0 and books.settings.get().next_number == 2


def test_amount_due_with_payments_and_credits_together(books, issued):
    books.invoices.record_payment(issued.id, {"amount": D("500.00"), "date": "2024-01-01"})
    books.credit_notes.create(
        issued.id, {"reason": "discount", "lineItems": [line("Goodwill", 1, "250.00", taxRate=20)]}
    )
    mixed = books.invoices.get(issued.id)
    assert (mixed.amount_paid, mixed.amount_credited, mixed.amount_due, mixed.status) == (
        D("500.00"),
        D("300.00"),
        D("509.99"),
        Status.PARTIALLY_PAID,
    )
    with pytest.raises(ValidationError):
        books.invoices.record_payment(issued.id, {"amount": D("510.00")})
    books.invoices.record_payment(issued.id, {"amount": D("509.99")})
    paid = books.invoices.get(issued.id)
    assert (paid.status, paid.amount_due) == (Status.PAID, D("0.00")) and paid.paid_at is not None
    books.credit_notes.create(issued.id, {"reason": "cancelled after payment"})  # the rest: a refund is owed
    void = books.invoices.get(issued.id)
    assert (void.status, void.amount_due, void.amount_credited) == (Status.VOID, D("0.00"), void.total)


def test_void_is_filtered_and_credits_count_as_settled_on_the_dashboard(books, client, issued):
    other = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, dueDate="2999-01-01")).id)
    books.credit_notes.create(issued.id, {"reason": "cancelled"})
    books.credit_notes.create(other.id, {"reason": "part", "lineItems": [line("Part", 4, "125.00", taxRate=10)]})
    assert [i.id for i in books.invoices.list(status="VOID").items] == [issued.id]
    assert [i.id for i in books.invoices.list(status=Status.PARTIALLY_PAID).items] == [other.id]
    board = books.dashboard()
    assert board.owed == {"USD": other.total - D("550.00")}
    assert board.counts[Status.VOID] == 1


def test_crediting_the_rest_after_odd_credits_adds_up_to_the_last_cent(books, client):
    made = books.invoices.create(
        invoice_body(client.id, line("A", 1, "0.05", taxRate=10), line("B", 1, "0.05", taxRate=10))
    )
    books.invoices.mark_sent(made.id)
    first = books.credit_notes.create(made.id, {"reason": "a", "lineItems": [line("Other", 1, "0.05", taxRate=10)]})
    rest = books.credit_notes.create(made.id, {"reason": "rest"})
    assert first.total + rest.total == made.total == D("0.11")
    assert books.invoices.get(made.id).status == Status.VOID


def test_credited_event_and_list_search_by_number_or_invoice(ci, books, client, issued):
    api = ci.books(actor="cinv_abcdefg")
    one = api.credit_notes.create(issued.id, {"reason": "r", "lineItems": [line("Design", 1, "100.00", taxRate=20)]})
    other = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, invoiceNumber="X_1%")).id)
    two = books.credit_notes.create(other.id, {"reason": "r"})
    event = books.invoices.events(issued.id)[-1]
    assert (event.type, event.actor, event.detail) == (
        EventType.CREDITED,
        "cinv_abcdefg",
        {"creditNoteId": one.id, "creditNoteNumber": "CN-0001", "total": D("120.00")},
    )
    assert [c.id for c in books.credit_notes.list().items] == [two.id, one.id]
    assert [c.id for c in books.credit_notes.list(search="cn-0002").items] == [two.id]
    assert [c.id for c in books.credit_notes.list(search="x_1%").items] == [two.id]
    assert [c.id for c in books.credit_notes.list(search="x%").items] == []
    assert [c.id for c in books.credit_notes.list(invoice_id=issued.id).items] == [one.id]
    assert books.credit_notes.get(one.id) == one
    with pytest.raises(NotFound):
        ci.books(ci.accounts.create("other").name).credit_notes.get(one.id)


def test_the_credit_note_pdf_names_its_invoice_in_its_language_and_is_frozen(books, client):
    books.clients.update(client.id, {"language": "de"})
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042")).id)
    credit = books.credit_notes.create(made.id, {"reason": "Storniert"})
    pdf = books.credit_notes.pdf(credit.id)
    assert pdf.filename == "CN-0001.pdf"
    [text] = pages_text(pdf.data)
    assert "CN-0001" in text and "INV-0042" in text and "Storniert" in text and "Acme Corp" in text
    assert "Credit note CN-0001 for invoice" not in text  # German
    books.settings.update({"sellerName": "Someone Else"})
    books.clients.update(client.id, {"name": "Renamed"})
    models.CreditNotePdf.delete().execute()
    assert books.credit_notes.pdf(credit.id).data == pdf.data


def test_the_english_reference_line(books, client, issued):
    credit = books.credit_notes.create(issued.id, {"reason": "Cancelled"})
    [text] = pages_text(books.credit_notes.pdf(credit.id).data)
    assert f"Credit note CN-0001 for invoice {issued.number}" in text
