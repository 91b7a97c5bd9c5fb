"""Issued means final: an issued invoice's PDF is made from the seller and client copied at issue, only drafts
are deleted (the newest automatic number given back), a mistaken payment is removed, and every change is in the
invoice's history with who made it."""

import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.core import CleverInvo, Conflict, NotFound, Status, ValidationError
from cleverinvo.core.records import EventType
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line
from tests.core.test_pdf import pages_text

D = Decimal


@pytest.fixture
def profile(books):
    books.settings.update(
        {
            "sellerName": "Zoë Ørsted Studio",
            "sellerAddress": "ul. Piotrkowska 104\n90-926 Łódź",
            "sellerTaxId": "PL1",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "bankName": "Commerzbank",
        }
    )


def test_an_issued_pdf_is_the_same_bytes_after_seller_and_client_change(books, client, profile):
    issued = books.invoices.create(invoice_body(client.id))
    draft = books.invoices.create(invoice_body(client.id))
    books.invoices.mark_sent(issued.id)
    first = books.documents.pdf(issued.id).data
    assert "ul. Piotrkowska 104" in pages_text(first)[0] and "Acme Corp" in pages_text(first)[0]

    books.settings.update(
        {
            "sellerAddress": "1 New Street\n00-001 Warszawa",
            "sellerTaxId": "PL2",
            "paperSize": "Letter",
            "iban": "GB33BUKB20201555555555",
            "bic": "BUKBGB22",
            "bankName": "Barclays",
        }
    )
    books.clients.update(client.id, {"name": "Acme Renamed Ltd", "address": "9 Elsewhere"})
    models.InvoicePdf.delete().execute()  # even rendered again from nothing: the same document
    assert books.documents.pdf(issued.id).data == first

    moved = pages_text(books.documents.pdf(draft.id).data)[0]
    assert "1 New Street" in moved and "PL2" in moved and "Acme Renamed Ltd" in moved
    assert "ul. Piotrkowska" not in moved


def test_an_issued_pdf_is_stored_once_and_kept_through_profile_changes(books, client, profile):
    issued = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    first = books.documents.pdf(issued.id)
    stored_at = models.InvoicePdf.get_by_id(issued.id).rendered_at
    books.settings.update({"sellerName": "Someone Else"})
    books.clients.update(client.id, {"name": "Other"})
    assert books.documents.pdf(issued.id) == first
    assert models.InvoicePdf.get_by_id(issued.id).rendered_at == stored_at


def test_a_payment_changes_the_issued_pdf_but_not_its_seller(books, client, profile):
    issued = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    books.settings.update({"sellerName": "Someone Else"})
    books.invoices.record_payment(issued.id, {"amount": D("100.00")})
    text = pages_text(books.documents.pdf(issued.id).data)[0]
    assert "Zoë Ørsted Studio" in text and "Someone Else" not in text and "$100.00" in text


@pytest.mark.parametrize("payments", [(), (D("100.00"),), (D("5500.00"),)], ids=["sent", "partly-paid", "paid"])
def test_only_drafts_are_deleted(books, client, payments):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    for amount in payments:
        books.invoices.record_payment(made.id, {"amount": amount})
    before = books.invoices.get(made.id)
    with pytest.raises(Conflict, match="credit note"):
        books.invoices.delete(made.id)
    assert books.invoices.get(made.id) == before
    assert books.invoices.events(made.id)[-1].type in (EventType.ISSUED, EventType.PAYMENT_RECORDED)


def test_deleting_the_newest_draft_gives_its_number_back(books, client):
    first = books.invoices.create(invoice_body(client.id))
    second = books.invoices.create(invoice_body(client.id))
    third = books.invoices.create(invoice_body(client.id))
    assert [first.number, second.number, third.number] == ["INV-0001", "INV-0002", "INV-0003"]
    books.invoices.delete(second.id)  # an older one: not given back
    assert books.invoices.create(invoice_body(client.id)).number == "INV-0004"
    books.invoices.delete(books.invoices.list().items[0].id)  # the newest: given back
    assert books.invoices.create(invoice_body(client.id)).number == "INV-0004"
    assert books.settings.get().next_number == 5


def test_the_counter_never_goes_below_an_issued_number(books, client):
    issued = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    typed = books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0002"))
    books.invoices.delete(typed.id)  # typed by hand, not the newest automatic number
    assert books.settings.get().next_number == 2
    newest = books.invoices.create(invoice_body(client.id))
    assert newest.number == "INV-0002"
    books.invoices.delete(newest.id)
    assert books.settings.get().next_number == 2 and issued.number == "INV-0001"
    assert books.invoices.create(invoice_body(client.id)).number == "INV-0002"


def test_removing_payments_recomputes_the_status(books, client):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, dueDate="2999-01-01")).id)
    part = books.invoices.record_payment(made.id, {"amount": D("500.00")})
    rest = books.invoices.record_payment(made.id, {"amount": D("5000.00")})
    assert books.invoices.get(made.id).status == Status.PAID
    after = books.invoices.remove_payment(made.id, rest.id)
    assert (after.status, after.amount_paid, after.amount_due, after.paid_at) == (
        Status.PARTIALLY_PAID,
        D("500.00"),
        D("5000.00"),
        None,
    )
    assert books.invoices.remove_payment(made.id, part.id).status == Status.SENT
    with pytest.raises(NotFound):
        books.invoices.remove_payment(made.id, part.id)


def test_removing_a_payment_that_credits_make_up_for_leaves_the_invoice_paid_since_when_it_was(books, client):
    """Found by tests/server/test_fuzz.py: the invoice stayed PAID but lost its paidAt."""
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, dueDate="2999-01-01")).id)
    books.invoices.record_payment(made.id, {"amount": D("5000.00")})
    rest = books.invoices.record_payment(made.id, {"amount": D("500.00")})
    paid_at = books.invoices.get(made.id).paid_at
    books.credit_notes.create(made.id, {"reason": "Ten hours less", "lineItems": [line(quantity=10, taxRate=10)]})
    after = books.invoices.remove_payment(made.id, rest.id)
    assert (after.status, after.amount_paid, after.amount_credited, after.paid_at) == (
        Status.PAID,
        D("5000.00"),
        D("1375.00"),
        paid_at,
    )
    assert paid_at is not None


def test_removing_a_payment_of_an_overdue_invoice_makes_it_overdue_again(books, client):
    made = books.invoices.create(invoice_body(client.id, issueDate="2024-01-01", dueDate="2024-01-31"))
    books.invoices.mark_sent(made.id)
    paid = books.invoices.record_payment(made.id, {"amount": D("5500.00"), "date": "2024-01-20"})
    assert books.invoices.remove_payment(made.id, paid.id).status == Status.OVERDUE


def test_a_payment_of_another_invoice_is_not_found(books, client):
    one = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    other = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    paid = books.invoices.record_payment(one.id, {"amount": D("1.00")})
    with pytest.raises(NotFound):
        books.invoices.remove_payment(other.id, paid.id)
    assert books.invoices.get(one.id).amount_paid == D("1.00")


def test_events_of_a_whole_life_in_order_with_their_actors(ci: CleverInvo, client):
    tui, api = ci.books(actor="tui"), ci.books(actor="cinv_abcdefg")
    made = tui.invoices.create(invoice_body(client.id, line(quantity=1, unit_price="100.00")))
    tui.invoices.update(made.id, {"notes": "scope agreed", "dueDate": "2999-01-01"})
    api.invoices.mark_sent(made.id)
    api.invoices.mark_viewed(made.id)
    paid = api.invoices.record_payment(made.id, {"amount": D("40.00"), "date": "2024-05-01"})
    tui.invoices.remove_payment(made.id, paid.id)
    history = ci.books().invoices.events(made.id)
    assert [(e.type, e.actor) for e in history] == [
        (EventType.CREATED, "tui"),
        (EventType.UPDATED, "tui"),
        (EventType.ISSUED, "cinv_abcdefg"),
        (EventType.VIEWED, "cinv_abcdefg"),
        (EventType.PAYMENT_RECORDED, "cinv_abcdefg"),
        (EventType.PAYMENT_REMOVED, "tui"),
    ]
    assert history[0].detail == {"number": "INV-0001"}
    assert history[1].detail == {"fields": ["dueDate", "notes"]}
    assert history[4].detail == {"paymentId": paid.id, "amount": D("40.00"), "date": "2024-05-01"}
    assert history[5].detail == history[4].detail
    assert all(isinstance(e.at, dt.datetime) for e in history)
    assert [e.at for e in history] == sorted(e.at for e in history)


def test_a_refused_change_writes_no_event(books, client):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    count = len(books.invoices.events(made.id))
    for refused in (
        lambda: books.invoices.update(made.id, {"notes": "x"}),
        lambda: books.invoices.mark_sent(made.id),
        lambda: books.invoices.record_payment(made.id, {"amount": D("99999.00")}),
        lambda: books.invoices.delete(made.id),
    ):
        with pytest.raises((Conflict, ValidationError)):
            refused()
    assert len(books.invoices.events(made.id)) == count


def test_another_accounts_history_is_not_found(ci: CleverInvo, books, client):
    made = books.invoices.create(invoice_body(client.id))
    with pytest.raises(NotFound):
        ci.books(ci.accounts.create("other").name).invoices.events(made.id)


@pytest.mark.parametrize("actor", ["", "root", "cinv_", "cinv_abcdefgh", "TUI"])
def test_an_unknown_actor_is_refused(ci: CleverInvo, actor):
    with pytest.raises(ValidationError):
        ci.books(actor=actor)


def test_an_invoice_issued_before_copies_gets_its_copy_when_first_rendered(books, client, profile):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    models.IssuedCopy.delete().execute()  # as an invoice issued before schema version 9
    models.InvoicePdf.delete().execute()
    first = books.documents.pdf(made.id).data
    books.settings.update({"sellerName": "Someone Else"})
    models.InvoicePdf.delete().execute()
    assert books.documents.pdf(made.id).data == first


def test_the_logo_is_copied_at_issue(books, client):
    import io

    from PIL import Image

    def png(colour: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (40, 20), colour).save(out, "PNG")
        return out.getvalue()

    from cleverinvo.core.billing import issuing

    first = books.settings.set_logo(png("red"), "image/png")
    issued = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    draft = books.invoices.create(invoice_body(client.id))
    books.settings.set_logo(png("blue"), "image/png")
    assert issuing.parties(books.invoices.get(issued.id)).logo == first
    assert issuing.parties(books.invoices.get(draft.id)).logo == books.settings.logo() != first
    books.settings.remove_logo()
    assert issuing.parties(books.invoices.get(issued.id)).logo == first
    assert issuing.parties(books.invoices.get(draft.id)).logo is None
