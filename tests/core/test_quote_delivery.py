"""E-mailing quotes through the invoices' delivery path, received by a real SMTP server on loopback; the client's
answer from the quote's view page; the quote's history."""

import io

import pypdf
import pytest

from cleverinvo.core import Books, Conflict, DeliveryFailed, MailNotConfigured, ValidationError
from cleverinvo.core.delivery.messages import Kind
from cleverinvo.core.records import EventType, QuoteStatus
from tests.core.helpers import invoice_body
from tests.mail import MailServer


@pytest.fixture
def seller(books: Books) -> Books:
    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example"})
    return books


def test_emailing_sends_the_quote_with_its_pdf_and_view_link(seller, client, smtp_env: MailServer) -> None:
    draft = seller.quotes.create(invoice_body(client.id, quoteNumber="QUO-0042", validUntil="2099-12-31"))

    sent = seller.delivery.send(draft.id, {"viaEmail": True}, Kind.QUOTE)

    assert sent.status is QuoteStatus.SENT and sent.sent_at is not None and sent.view_token
    [got] = smtp_env.received
    assert got.recipients == ["billing@acme.example"] and got.sender == "zoe@orsted.example"
    assert got.message["Subject"] == "Quote QUO-0042 from Zoë Ørsted"
    link = f"http://127.0.0.1:8000/view/{sent.view_token}"
    assert link in got.text and "$5,500.00" in got.text and "valid until Dec 31, 2099" in got.text
    assert f'href="{link}"' in got.html and "Quote number" in got.html and "View the quote" in got.html
    assert "Valid until" in got.html
    [attached] = got.attachments()
    assert attached.get_filename() == "QUO-0042.pdf"
    assert attached.get_content() == seller.documents.quote_pdf(sent.id).data
    assert "Quote number QUO-0042" in pypdf.PdfReader(io.BytesIO(attached.get_content())).pages[0].extract_text()
    emailed = [e for e in seller.quotes.events(sent.id) if e.type is EventType.EMAILED]
    assert [e.detail["to"] for e in emailed] == [["billing@acme.example"]]
    assert [e.type for e in seller.quotes.events(sent.id)] == [EventType.CREATED, EventType.ISSUED, EventType.EMAILED]


def test_sending_again_resends_with_an_emailed_event_each_time(seller, client, smtp_env: MailServer) -> None:
    made = seller.quotes.create(invoice_body(client.id))
    first = seller.delivery.send(made.id, {"viaEmail": True}, Kind.QUOTE)
    again = seller.delivery.send(made.id, {"viaEmail": True, "to": "boss@acme.example"}, Kind.QUOTE)
    assert len(smtp_env.received) == 2 and smtp_env.received[1].recipients == ["boss@acme.example"]
    assert again.sent_at == first.sent_at and again.view_token == first.view_token
    assert [e.type for e in seller.quotes.events(made.id)].count(EventType.EMAILED) == 2


def test_in_the_quotes_language(seller, smtp_env: MailServer) -> None:
    kunde = seller.clients.create({"name": "Müller GmbH", "email": "einkauf@mueller.example", "language": "de"})
    draft = seller.quotes.create(invoice_body(kunde.id, quoteNumber="ANG-7", currency="EUR", validUntil="2099-12-31"))
    seller.delivery.send(draft.id, {"viaEmail": True}, Kind.QUOTE)
    [got] = smtp_env.received
    assert got.message["Subject"] == "Angebot ANG-7 von Zoë Ørsted"
    assert got.message["Content-Language"] == "de"
    assert "5.500,00" in got.text and "Guten Tag Müller GmbH" in got.text and "gültig bis 31. Dez. 2099" in got.text
    assert "Angebot ansehen" in got.html and "Gültig bis" in got.html


def test_the_draft_prefills_the_quote_wording(seller, client) -> None:
    draft = seller.quotes.create(invoice_body(client.id, quoteNumber="Q-{1}", validUntil="2099-12-31"))
    prefilled = seller.delivery.draft(draft.id, Kind.QUOTE)
    assert prefilled.to == ("billing@acme.example",) and prefilled.subject == "Quote Q-{{1}} from Zoë Ørsted"
    assert "{link}" in prefilled.message and "valid until Dec 31, 2099" in prefilled.message


@pytest.mark.parametrize("failure", ["no server", "refused", "no address", "no seller address"])
def test_a_failed_e_mail_leaves_a_draft_quote(seller, client, smtp_env: MailServer, monkeypatch, tmp_path, failure):
    to = client
    if failure == "no server":
        monkeypatch.delenv("CLEVERINVO_SMTP_URL")
        monkeypatch.setenv("CLEVERINVO_CONFIG", str(tmp_path / "none.toml"))
        expected: type[Exception] = MailNotConfigured
    elif failure == "refused":
        smtp_env.handler.refuse = "554 5.7.1 Message rejected as spam"
        expected = DeliveryFailed
    elif failure == "no address":
        to = seller.clients.create({"name": "No Mail Ltd"})
        expected = ValidationError
    else:
        seller.settings.update({"sellerEmail": None})
        expected = Conflict
    draft = seller.quotes.create(invoice_body(to.id))
    with pytest.raises(expected):
        seller.delivery.send(draft.id, {"viaEmail": True}, Kind.QUOTE)
    after = seller.quotes.get(draft.id)
    assert after == draft and after.status is QuoteStatus.DRAFT and after.view_token is None
    assert [e.type for e in seller.quotes.events(draft.id)] == [EventType.CREATED]
    assert not smtp_env.received


def test_marking_sent_gives_the_view_link_too(seller, client) -> None:
    sent = seller.delivery.send(seller.quotes.create(invoice_body(client.id)).id, {}, Kind.QUOTE)
    assert sent.status is QuoteStatus.SENT and sent.view_token
    with pytest.raises(Conflict, match="already sent"):
        seller.delivery.send(sent.id, {}, Kind.QUOTE)


def test_the_view_page_answers_once_and_records_it(ci, seller, client) -> None:
    quote = seller.quotes.mark_sent(seller.quotes.create(invoice_body(client.id, validUntil="2099-12-31")).id)
    pages = ci.view_pages
    page = pages.page(quote.view_token, "n0nce")
    assert page is not None and quote.number in page
    assert f'action="/view/{quote.view_token}/accept"' in page and f'action="/view/{quote.view_token}/decline"' in page
    assert pages.seen(quote.view_token) and pages.seen(quote.view_token)

    accepted = pages.answer(quote.view_token, accept=True)
    assert accepted is not None and accepted.status is QuoteStatus.ACCEPTED
    assert pages.answer(quote.view_token, accept=True) == accepted  # pressed twice: nothing more happens
    with pytest.raises(Conflict, match="is ACCEPTED"):
        pages.answer(quote.view_token, accept=False)
    after = pages.page(quote.view_token, "n0nce")
    assert "/accept" not in after and "You accepted this quote" in after

    invoice = seller.quotes.make_invoice(quote.id)
    history = seller.quotes.events(quote.id)
    assert [e.type for e in history] == [
        EventType.CREATED,
        EventType.ISSUED,
        EventType.VIEWED,
        EventType.ACCEPTED,
        EventType.INVOICED,
    ]
    assert history[-1].detail == {"invoiceId": invoice.id, "number": invoice.number}


def test_an_expired_quote_cannot_be_accepted_on_its_page_but_declined(ci, seller, client) -> None:
    quote = seller.quotes.create(invoice_body(client.id, issueDate="2020-01-01", validUntil="2020-01-31"))
    token = seller.quotes.mark_sent(quote.id).view_token
    page = ci.view_pages.page(token, "n0nce")
    assert "/accept" not in page and "This quote expired on Jan 31, 2020." in page
    with pytest.raises(Conflict, match="expired on 2020-01-31"):
        ci.view_pages.answer(token, accept=True)
    assert seller.quotes.get(quote.id).status is QuoteStatus.EXPIRED
    assert ci.view_pages.answer(token, accept=False).status is QuoteStatus.DECLINED


def test_an_invoice_token_or_an_unknown_one_answers_nothing(ci, seller, client) -> None:
    invoice = seller.invoices.mark_sent(seller.invoices.create(invoice_body(client.id)).id)
    assert ci.view_pages.answer(invoice.view_token, accept=True) is None
    assert ci.view_pages.answer("unknown-token", accept=True) is None
    assert ci.view_pages.answer("bad\x00token", accept=False) is None
