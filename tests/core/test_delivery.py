"""E-mailing invoices through the library, received by a real SMTP server on loopback."""

import io
import os
import stat

import pypdf
import pytest

from cleverinvo.core import Books, Conflict, DeliveryFailed, MailNotConfigured, Status, ValidationError
from cleverinvo.core.delivery import config
from cleverinvo.core.delivery.config import parse_smtp_url
from tests.core.helpers import invoice_body
from tests.mail import MailServer, free_port


@pytest.fixture
def seller(books: Books) -> Books:
    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example"})
    return books


def test_emailing_issues_the_invoice_and_the_server_gets_it_all(seller, client, smtp_env: MailServer) -> None:
    draft = seller.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042"))

    sent = seller.delivery.send(draft.id, {"viaEmail": True})

    assert sent.status is Status.SENT and sent.sent_via_email and sent.view_token
    [got] = smtp_env.received
    assert got.recipients == ["billing@acme.example"]
    assert got.sender == "zoe@orsted.example"
    message = got.message
    assert message["Subject"] == "Invoice INV-0042 from Zoë Ørsted"
    assert message["From"].addresses[0].display_name == "Zoë Ørsted"
    assert message["From"].addresses[0].addr_spec == "zoe@orsted.example"
    assert message["Reply-To"] == message["From"]
    assert message["Message-ID"].endswith("@orsted.example>")
    assert message["Date"].datetime.tzinfo is not None
    link = f"http://127.0.0.1:8000/view/{sent.view_token}"
    assert link in got.text and "INV-0042" in got.text and "$5,500.00" in got.text
    assert f'href="{link}"' in got.html
    [attached] = got.attachments()
    assert attached.get_filename() == "INV-0042.pdf"
    data = attached.get_content()
    assert data == seller.documents.pdf(sent.id).data
    assert "INV-0042" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_to_cc_subject_and_message_replace_the_defaults(seller, client, smtp_env: MailServer) -> None:
    draft = seller.invoices.create(invoice_body(client.id))
    body = {"viaEmail": True, "to": "ap@acme.example", "cc": ["boss@acme.example"], "subject": "Your invoice"}
    seller.delivery.send(draft.id, {**body, "message": "Hi <b>there</b>, the invoice is attached."})
    [got] = smtp_env.received
    assert sorted(got.recipients) == ["ap@acme.example", "boss@acme.example"]
    assert got.message["To"] == "ap@acme.example" and got.message["Cc"] == "boss@acme.example"
    assert got.message["Subject"] == "Your invoice"
    assert got.text.startswith("Hi <b>there</b>, the invoice is attached.")
    assert "/view/" in got.text  # the link is added when the message leaves it out
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in got.html  # escaped in the HTML part


def test_sending_again_resends(seller, client, smtp_env: MailServer) -> None:
    made = seller.invoices.create(invoice_body(client.id))
    first = seller.delivery.send(made.id, {"viaEmail": True})
    again = seller.delivery.send(made.id, {"viaEmail": True})
    assert len(smtp_env.received) == 2
    assert again.status is Status.SENT and again.sent_at == first.sent_at and again.view_token == first.view_token


def test_without_a_mail_server_nothing_changes(seller, client, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CLEVERINVO_SMTP_URL", raising=False)
    monkeypatch.setenv("CLEVERINVO_CONFIG", str(tmp_path / "none.toml"))
    draft = seller.invoices.create(invoice_body(client.id))
    with pytest.raises(MailNotConfigured):
        seller.delivery.send(draft.id, {"viaEmail": True})
    assert seller.invoices.get(draft.id) == draft


def test_without_an_address_nothing_changes(seller, smtp_env: MailServer) -> None:
    nobody = seller.clients.create({"name": "No Mail Ltd"})
    draft = seller.invoices.create(invoice_body(nobody.id))
    with pytest.raises(ValidationError, match="No e-mail address"):
        seller.delivery.send(draft.id, {"viaEmail": True})
    with pytest.raises(ValidationError, match="invalid e-mail address"):
        seller.delivery.send(draft.id, {"viaEmail": True, "to": "not an address"})
    assert seller.invoices.get(draft.id) == draft and not smtp_env.received


def test_without_a_seller_address_nothing_changes(books, client, smtp_env: MailServer) -> None:
    draft = books.invoices.create(invoice_body(client.id))
    with pytest.raises(Conflict, match="sellerEmail"):
        books.delivery.send(draft.id, {"viaEmail": True})
    assert books.invoices.get(draft.id) == draft


def test_a_refusing_server_leaves_a_draft(seller, client, smtp_env: MailServer) -> None:
    smtp_env.handler.refuse = "554 5.7.1 Message rejected as spam"
    draft = seller.invoices.create(invoice_body(client.id))
    with pytest.raises(DeliveryFailed, match=r"554 5.7.1 Message rejected as spam$"):
        seller.delivery.send(draft.id, {"viaEmail": True})
    after = seller.invoices.get(draft.id)
    assert after == draft and after.status is Status.DRAFT and after.view_token is None


def test_a_server_that_is_down_leaves_a_draft(seller, client, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CLEVERINVO_SMTP_URL", f"smtp://127.0.0.1:{free_port()}?timeout=5")
    draft = seller.invoices.create(invoice_body(client.id))
    with pytest.raises(DeliveryFailed, match=r"Cannot reach the mail server 127\.0\.0\.1"):
        seller.delivery.send(draft.id, {"viaEmail": True})
    assert seller.invoices.get(draft.id) == draft


def test_required_starttls_not_offered_leaves_a_draft(seller, client, smtp_env: MailServer, monkeypatch) -> None:
    monkeypatch.setenv("CLEVERINVO_SMTP_URL", f"{smtp_env.url}?starttls=require")
    draft = seller.invoices.create(invoice_body(client.id))
    with pytest.raises(DeliveryFailed, match="does not offer STARTTLS"):
        seller.delivery.send(draft.id, {"viaEmail": True})
    assert seller.invoices.get(draft.id) == draft and not smtp_env.received


def test_plain_send_needs_no_mail_server(seller, client, monkeypatch) -> None:
    monkeypatch.delenv("CLEVERINVO_SMTP_URL", raising=False)
    draft = seller.invoices.create(invoice_body(client.id))
    with pytest.raises(ValidationError, match="need viaEmail"):
        seller.delivery.send(draft.id, {"to": "x@y.example"})
    sent = seller.delivery.send(draft.id, {})
    assert sent.status is Status.SENT and not sent.sent_via_email and sent.view_token


def test_smtp_urls() -> None:
    parsed = parse_smtp_url("smtp://me%40x.org:p%3Ass@mail.example:2525?starttls=require&timeout=7")
    assert (parsed.host, parsed.port, parsed.username, parsed.password) == ("mail.example", 2525, "me@x.org", "p:ss")
    assert parsed.require_starttls and not parsed.implicit_tls and parsed.timeout == 7
    assert parse_smtp_url("smtps://mail.example").port == 465 and parse_smtp_url("smtps://h").implicit_tls
    assert parse_smtp_url("smtp://h").port == 587
    assert "secret" not in parse_smtp_url("smtp://u:secret@h").describe()
    for bad in (
        "http://h",
        "smtp://",
        "smtp://h:99999",
        "smtp://h?tls=1",
        "smtp://h?starttls=maybe",
        "smtp://h?timeout=0",
    ):
        with pytest.raises(ValidationError, match="Invalid SMTP URL"):
            parse_smtp_url(bad)


def test_config_toml_is_private_and_the_environment_wins(monkeypatch, tmp_path) -> None:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("CLEVERINVO_CONFIG", str(path))
    monkeypatch.delenv("CLEVERINVO_SMTP_URL", raising=False)
    assert config.mail_config() is None
    path.parent.mkdir()
    path.write_text('[other]\nkept = "yes"\n')
    config.save_smtp_url("smtp://u:pw@mail.example:25")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert 'kept = "yes"' in path.read_text()
    assert config.mail_config().host == "mail.example"
    monkeypatch.setenv("CLEVERINVO_SMTP_URL", "smtps://other.example")
    assert config.mail_config().host == "other.example"
    with pytest.raises(ValidationError):
        config.save_smtp_url("nonsense")
    config.save_smtp_url(None)
    assert config.saved_smtp_url() is None and 'kept = "yes"' in path.read_text()


def test_the_owners_preview_never_counts_as_a_view(books, client) -> None:
    sent = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, invoiceNumber="P-1")).id)
    html = books.delivery.preview(sent.id)
    assert "P-1" in html and "<script" not in html and f"/view/{sent.view_token}/pdf" in html
    assert books.invoices.get(sent.id) == sent


def test_the_draft_prefills_and_its_link_is_filled_when_sent(seller, client, smtp_env: MailServer) -> None:
    draft = seller.invoices.create(invoice_body(client.id, invoiceNumber="D-{1}"))
    prefilled = seller.delivery.draft(draft.id)
    assert prefilled.to == ("billing@acme.example",) and prefilled.subject == "Invoice D-{{1}} from Zoë Ørsted"
    assert "{link}" in prefilled.message and "$5,500.00" in prefilled.message
    edited = {"viaEmail": True, "subject": prefilled.subject, "message": prefilled.message}
    sent = seller.delivery.send(draft.id, edited)
    [got] = smtp_env.received
    assert got.message["Subject"] == "Invoice D-{1} from Zoë Ørsted"
    assert f"view it online: http://127.0.0.1:8000/view/{sent.view_token}" in got.text
    with pytest.raises(ValidationError, match=r"unknown placeholder \{amount\}") as refused:
        seller.delivery.send(draft.id, {"viaEmail": True, "message": "Pay {amount} now"})
    assert refused.value.field == "message"


def test_the_sellers_own_wording_per_language(seller, client, smtp_env: MailServer) -> None:
    templates = seller.delivery.templates
    assert not templates.get("de", "invoice").custom and templates.get("de", "invoice").subject.startswith("Rechnung")
    own = templates.set("en", "invoice", {"subject": "{seller}: bill {number}", "body": "Due {dueDate}: {total}"})
    assert own.custom
    for bad in ({"subject": "Hi {name}", "body": "x"}, {"subject": "x", "body": "{total"}, {"subject": "a\nb"}):
        with pytest.raises(ValidationError):
            templates.set("en", "invoice", bad)
    with pytest.raises(ValidationError, match="language"):
        templates.get("xx", "invoice")
    seller.delivery.send(seller.invoices.create(invoice_body(client.id, invoiceNumber="T-1")).id, {"viaEmail": True})
    [got] = smtp_env.received
    assert got.message["Subject"] == "Zoë Ørsted: bill T-1"
    assert got.text.startswith("Due ") and "$5,500.00" in got.text and "/view/" in got.text
    assert not templates.reset("en", "invoice").custom


def test_in_the_invoices_language_with_an_emailed_event(seller, smtp_env: MailServer) -> None:
    seller.settings.update({"sellerCountry": "DE", "iban": "DE89370400440532013000"})
    kunde = seller.clients.create({"name": "Müller GmbH", "email": "buchhaltung@mueller.example", "language": "de"})
    draft = seller.invoices.create(invoice_body(kunde.id, invoiceNumber="RE-7", currency="EUR"))
    sent = seller.delivery.send(draft.id, {"viaEmail": True, "cc": "chef@mueller.example"})
    [got] = smtp_env.received
    assert got.message["Subject"] == "Rechnung RE-7 von Zoë Ørsted"
    assert got.message["Content-Language"] == "de"
    assert "5.500,00" in got.text and "Guten Tag Müller GmbH" in got.text
    assert "Rechnung ansehen" in got.html
    emailed = [e for e in seller.invoices.events(sent.id) if e.type.value == "emailed"]
    assert [e.detail["to"] for e in emailed] == [["buchhaltung@mueller.example"]]
    assert emailed[0].detail["cc"] == ["chef@mueller.example"] and emailed[0].actor == "system"
    page = seller.delivery.preview(sent.id)
    assert "DE89 3704 0044 0532 0130 00" in page and "<svg" in page and "Rechnung RE-7" in page
