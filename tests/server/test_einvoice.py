"""``GET /api/v1/invoices/{id}/xml`` over a real server: both syntaxes, headers, refusals, and the Factur-X PDF
whose embedded XML is the one served at ``/xml``."""

import itertools
from collections.abc import Iterator

import facturx
import httpx
import pytest

import cleverinvo.core
from tests.einvoice.conftest import BUYERS, SELLER
from tests.einvoice.validation import validate
from tests.server.helpers import Server

_accounts = itertools.count()

LINES = [
    {"description": "Web development", "quantity": 40, "unitPrice": 125, "taxRate": 19, "discountRate": 5},
    {"description": "Book", "quantity": 2, "unitPrice": 24.9, "taxRate": 7},
]


@pytest.fixture
def seller(server: Server) -> Iterator[tuple[httpx.Client, str]]:
    """A client of the server for a new account, and the account's name (its settings are made in the core)."""
    name = f"einvoice-{next(_accounts)}"
    with server.client(account=name) as http:
        yield http, name


def _configure(server: Server, account: str, **settings: object) -> None:
    """The account's seller profile, as the settings screen or ``PATCH /api/v1/account`` would set it."""
    ci = cleverinvo.core.open(server.db)
    try:
        ci.books(account).settings.update({**SELLER, **settings})
    finally:
        ci.close()


def _issued(server: Server, seller: tuple[httpx.Client, str], client: dict | None = None, **settings: object) -> dict:
    api, account = seller
    _configure(server, account, **settings)
    client_id = api.post("/api/v1/clients", json=client or BUYERS["FR"]).json()["data"]["id"]
    invoice = api.post("/api/v1/invoices", json={"clientId": client_id, "lineItems": LINES}).json()["data"]
    assert api.post(f"/api/v1/invoices/{invoice['id']}/send", json={}).status_code == 200
    return invoice


def test_the_xml_in_both_syntaxes(server: Server, seller) -> None:
    api, _account = seller
    invoice = _issued(server, seller)
    for query, root in (
        ("", b"CrossIndustryInvoice"),
        ("?syntax=cii", b"CrossIndustryInvoice"),
        ("?syntax=ubl", b"<Invoice"),
    ):
        response = api.get(f"/api/v1/invoices/{invoice['id']}/xml{query}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        assert response.headers["content-disposition"] == f'attachment; filename="{invoice["invoiceNumber"]}.xml"'
        assert root in response.content
        validate(response.content)


def test_the_factur_x_pdf_carries_the_xml_served_at_xml(server: Server, seller) -> None:
    api, _account = seller
    invoice = _issued(server, seller, eInvoice=True)
    pdf = api.get(f"/api/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200
    filename, embedded = facturx.get_xml_from_pdf(pdf.content, check_xsd=True)
    assert filename == "factur-x.xml"
    assert embedded == api.get(f"/api/v1/invoices/{invoice['id']}/xml").content


def test_refusals(server: Server, seller) -> None:
    api, account = seller
    invoice = _issued(server, seller)
    url = f"/api/v1/invoices/{invoice['id']}/xml"
    assert api.get(f"{url}?syntax=pdf").json() == {"error": "Invalid query parameter: syntax must be cii or ubl"}
    assert api.get(f"{url}?format=ubl").status_code == 400
    with server.client(account=f"{account}-other") as other:
        assert other.get(url).status_code == 404
    client_id = api.post("/api/v1/clients", json=BUYERS["DE"]).json()["data"]["id"]
    draft = api.post("/api/v1/invoices", json={"clientId": client_id, "lineItems": LINES}).json()["data"]
    refused = api.get(f"/api/v1/invoices/{draft['id']}/xml")
    assert refused.status_code == 409 and "is a draft" in refused.json()["error"]


def test_missing_data_is_409_naming_the_business_term_and_the_invoice_stays_a_draft(server: Server, seller) -> None:
    api, account = seller
    _configure(server, account, sellerCountry=None, eInvoice=True)
    client_id = api.post("/api/v1/clients", json=BUYERS["FR"]).json()["data"]["id"]
    draft = api.post("/api/v1/invoices", json={"clientId": client_id, "lineItems": LINES}).json()["data"]
    refused = api.post(f"/api/v1/invoices/{draft['id']}/send", json={})
    assert refused.status_code == 409
    assert refused.json() == {"error": "Cannot make an EN 16931 invoice: missing seller country (BT-40)"}
    assert api.get(f"/api/v1/invoices/{draft['id']}").json()["data"]["status"] == "DRAFT"


def test_a_credit_note_as_xml(server: Server, seller) -> None:
    api, _account = seller
    invoice = _issued(server, seller)
    note = api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Cancelled"}).json()["data"]
    for syntax, root in (("cii", b"CrossIndustryInvoice"), ("ubl", b"<CreditNote")):
        response = api.get(f"/api/v1/credit-notes/{note['id']}/xml?syntax={syntax}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        assert response.headers["content-disposition"] == f'attachment; filename="{note["creditNoteNumber"]}.xml"'
        assert root in response.content and invoice["invoiceNumber"].encode() in response.content
        validate(response.content)
    assert api.get(f"/api/v1/credit-notes/{note['id']}/xml?syntax=x").status_code == 400
