"""Quotes: the invoice's lines, totals and checks with their own numbers and validity, the client's answer, and
the draft invoice made from a quote once."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from cleverinvo.core import Conflict, NotFound, ValidationError, clock, pdf
from cleverinvo.core.records import QuoteStatus, Status
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line
from tests.core.test_pdf import pages_text, squeeze

D = Decimal


def quote_body(client_id: str, *lines: dict, **fields: object) -> dict:
    return invoice_body(client_id, *lines, **fields)


def test_defaults_own_sequence_and_validity_from_the_payment_terms(books, client):
    books.settings.update({"quotePrefix": "ANG-", "paymentTermsDays": 14})
    first = books.quotes.create(quote_body(client.id, line(taxRate=10)))
    second = books.quotes.create(quote_body(client.id))
    assert (first.number, second.number) == ("ANG-0001", "ANG-0002")
    assert first.status is QuoteStatus.DRAFT and first.issue_date == clock.today()
    assert first.valid_until == clock.today() + dt.timedelta(days=14)
    assert (first.subtotal, first.tax_total, first.total) == (D("5000.00"), D("500.00"), D("5500.00"))
    assert first.taxes[0].rate == D("10") and first.invoice_id is None
    invoice = books.invoices.create(invoice_body(client.id))
    assert invoice.number == "INV-0001"  # the invoice sequence is untouched by quotes
    books.quotes.delete(second.id)  # the newest automatic number is given back
    assert books.quotes.create(quote_body(client.id)).number == "ANG-0002"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"validUntil": "2024-05-01", "issueDate": "2024-06-01"}, "validUntil must not be before issueDate"),
        ({"dueDate": "2024-06-01"}, "Unknown field: dueDate"),
        ({"lineItems": [line(quantity=0)]}, "lineItems[0].quantity"),
        ({"lineItems": [line(taxRate=0, taxCategory="E")]}, "taxExemptionReason"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_bad_input_changes_nothing(books, client, fields, message):
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        books.quotes.create(quote_body(client.id, **fields))
    assert books.quotes.list().total == 0
    assert books.quotes.create(quote_body(client.id)).number == "QUO-0001"


def test_updates_and_deletes_drafts_only(books, client):
    quote = books.quotes.create(quote_body(client.id, notes="First"))
    changed = books.quotes.update(quote.id, {"lineItems": [line(quantity=2, unit_price="10.00")], "notes": "Second"})
    assert (changed.total, changed.notes, changed.version) == (D("20.00"), "Second", 2)
    books.quotes.mark_sent(quote.id)
    with pytest.raises(Conflict, match="Only DRAFT quotes can be modified"):
        books.quotes.update(quote.id, {"notes": "Third"})
    with pytest.raises(Conflict, match="Only DRAFT quotes can be deleted"):
        books.quotes.delete(quote.id)
    with pytest.raises(Conflict, match="already sent"):
        books.quotes.mark_sent(quote.id)
    assert books.quotes.get(quote.id).notes == "Second"


def test_answers_and_expiry(books, client):
    past = quote_body(client.id, issueDate="2020-01-01", validUntil="2020-01-31")
    expired = books.quotes.create(past)
    books.quotes.mark_sent(expired.id)
    assert books.quotes.get(expired.id).status is QuoteStatus.EXPIRED
    with pytest.raises(Conflict, match="expired on 2020-01-31"):
        books.quotes.accept(expired.id)
    open_one = books.quotes.create(quote_body(client.id))
    with pytest.raises(Conflict, match="Only SENT quotes"):
        books.quotes.accept(open_one.id)
    books.quotes.mark_sent(open_one.id)
    accepted = books.quotes.accept(open_one.id)
    assert accepted.status is QuoteStatus.ACCEPTED and accepted.answered_at is not None
    with pytest.raises(Conflict, match="is ACCEPTED"):
        books.quotes.decline(open_one.id)
    assert books.quotes.decline(expired.id).status is QuoteStatus.DECLINED
    draft = books.quotes.create(quote_body(client.id))
    for status, ids in (
        (QuoteStatus.DRAFT, {draft.id}),
        (QuoteStatus.ACCEPTED, {open_one.id}),
        (QuoteStatus.DECLINED, {expired.id}),
        (QuoteStatus.EXPIRED, set()),
        (QuoteStatus.SENT, set()),
    ):
        listed = books.quotes.list(status=status)
        assert {q.id for q in listed.items} == ids and listed.total == len(ids)
        assert all(q.status is status for q in listed.items)
    with pytest.raises(ValidationError, match="status must be one of"):
        books.quotes.list(status="PAID")


def test_an_accepted_quote_becomes_one_draft_invoice(books, client):
    lines = (line(taxRate=19, discountRate=D("12.5")), line("Hosting", 3, "9.99", taxRate=7))
    quote = books.quotes.create(quote_body(client.id, *lines, notes="N", terms="T", language="de", currency="EUR"))
    books.quotes.mark_sent(quote.id)
    books.quotes.accept(quote.id)
    invoice = books.quotes.make_invoice(quote.id)
    assert invoice.status is Status.DRAFT and invoice.quote_id == quote.id and invoice.number == "INV-0001"
    assert (invoice.subtotal, invoice.discount_total, invoice.tax_total, invoice.total) == (
        quote.subtotal,
        quote.discount_total,
        quote.tax_total,
        quote.total,
    )
    assert invoice.line_items == quote.line_items and invoice.taxes == quote.taxes
    assert (invoice.notes, invoice.terms, invoice.language.value, invoice.currency.code) == ("N", "T", "de", "EUR")
    assert books.quotes.get(quote.id).invoice_id == invoice.id
    with pytest.raises(Conflict, match="already been made into an invoice"):
        books.quotes.make_invoice(quote.id)
    assert books.invoices.list().total == 1


def test_a_declined_quote_never_becomes_an_invoice_and_others_never_see_it(ci, books, client):
    quote = books.quotes.create(quote_body(client.id))
    books.quotes.mark_sent(quote.id)
    books.quotes.decline(quote.id)
    with pytest.raises(Conflict, match="declined"):
        books.quotes.make_invoice(quote.id)
    assert books.invoices.list().total == 0
    ci.accounts.create("other")
    other = ci.books("other")
    for attempt in (
        lambda: other.quotes.get(quote.id),
        lambda: other.quotes.accept(quote.id),
        lambda: other.quotes.make_invoice(quote.id),
        lambda: other.quotes.delete(quote.id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert other.quotes.list().total == 0


def test_search_on_number_and_client(books, client):
    quote = books.quotes.create(quote_body(client.id, quoteNumber="Q-Łódź-7"))
    assert [q.id for q in books.quotes.list(search="lodz").items] == [quote.id]
    assert [q.id for q in books.quotes.list(search=client.name[:4]).items] == [quote.id]
    assert books.quotes.list(search="nothing like it").total == 0
    with pytest.raises(Conflict, match="Quote number already taken"):
        books.quotes.create(quote_body(client.id, quoteNumber="Q-Łódź-7"))
    assert books.quotes.list(client_id=client.id).total == 1


def test_the_pdf_is_a_quote_in_its_language_valid_until_a_date_with_nothing_due(books, client):
    books.settings.update({"iban": "DE89370400440532013000", "defaultCurrency": "EUR"})
    quote = books.quotes.create(
        quote_body(
            client.id,
            line("Workshop in Łódź", 2, "950.00", taxRate=19),
            issueDate="2026-11-24",
            validUntil="2026-12-24",
            language="de",
        )
    )
    draft = books.documents.quote_pdf(quote.id)
    assert draft.filename == "QUO-0001.pdf" and draft.version == 1
    text = squeeze(" ".join(pages_text(draft.data)))
    for expected in ("Angebot", "Angebotsnummer", "QUO-0001", "Gültigbis24.Dez.2026", "WorkshopinŁódź", "ENTWURF"):
        assert expected in text, expected
    for absent in ("Fällig", "Rechnung", "DE89"):
        assert absent not in text, absent
    assert books.documents.quote_pdf(quote.id).data == draft.data  # stored, served again
    books.quotes.mark_sent(quote.id)
    sent = books.documents.quote_pdf(quote.id)
    assert sent.version == 2 and "ENTWURF" not in squeeze(" ".join(pages_text(sent.data)))
    books.settings.update({"sellerName": "Neuer Name GmbH"})  # what it prints changed: rendered anew
    assert "NeuerNameGmbH" in squeeze(" ".join(pages_text(books.documents.quote_pdf(quote.id).data)))
    with pytest.raises(NotFound):
        books.documents.quote_pdf("nope")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_a_quote_pdf_rendered_while_other_documents_are_made_is_stored(books, client, monkeypatch):
    """The stored PDF is compared with what this quote shows, not with the whole account: numbering another
    invoice or quote meanwhile does not keep it from being stored; a change of its seller or logo does."""
    quote = books.quotes.create(quote_body(client.id))
    render_quote, meanwhile = pdf.render_quote, []

    def render_while(*args, **options):
        meanwhile.pop(0)()
        return render_quote(*args, **options)

    def stored():
        return models.QuotePdf.get_or_none(models.QuotePdf.quote == quote.id)

    monkeypatch.setattr(pdf, "render_quote", render_while)
    meanwhile.append(lambda: (books.invoices.create(quote_body(client.id)), books.quotes.create(quote_body(client.id))))
    first = books.documents.quote_pdf(quote.id)
    assert stored() is not None and bytes(stored().data) == first.data
    for change in (
        lambda: books.settings.update({"sellerName": "Zoë Ørsted Studio"}),
        lambda: books.settings.set_logo(png()),
    ):
        models.QuotePdf.delete().execute()
        meanwhile.append(change)
        books.documents.quote_pdf(quote.id)
        assert stored() is None  # what it shows changed meanwhile: served, not stored
    meanwhile.append(lambda: None)
    assert "Zoë Ørsted Studio" in pages_text(books.documents.quote_pdf(quote.id).data)[0] and stored() is not None
