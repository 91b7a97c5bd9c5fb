"""An account set up as a German seller with a bank account, and builders for clients and issued invoices."""

from decimal import Decimal
from typing import Any

import pytest

from cleverinvo.core import Books

SELLER = {
    "sellerName": "Zoë Ørsted GmbH",
    "sellerAddress": "Hauptstraße 1\nHinterhaus",
    "sellerPostalCode": "10115",
    "sellerCity": "Berlin",
    "sellerCountry": "DE",
    "sellerEmail": "billing@zoe.example",
    "sellerPhone": "+49 30 1234567",
    "sellerTaxId": "DE123456789",
    "sellerRegistration": "HRB 12345 B",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "defaultTerms": "Payable within 30 days.",
    "defaultCurrency": "EUR",
}
BUYERS = {
    "DE": {
        "name": "Müller & Co KG",
        "address": "Marktplatz 3",
        "postalCode": "80331",
        "city": "München",
        "country": "DE",
        "email": "ap@mueller.example",
        "taxId": "DE987654321",
    },
    "FR": {
        "name": "Acme SARL",
        "address": "1 rue de Paris",
        "postalCode": "75001",
        "city": "Paris",
        "country": "FR",
        "email": "ap@acme.example",
        "taxId": "FR12345678901",
    },
    "US": {
        "name": "Globex Inc.",
        "address": "1 Main St",
        "postalCode": "10001",
        "city": "New York",
        "country": "US",
        "email": "ap@globex.example",
    },
}


@pytest.fixture
def seller(books: Books) -> Books:
    """The books of an account with a complete German seller profile and bank account."""
    books.settings.update(SELLER)
    return books


def line(description: str = "Web development", quantity: Any = 40, unit_price: Any = "125.00", **extra: Any) -> dict:
    return {"description": description, "quantity": Decimal(str(quantity)), "unitPrice": Decimal(unit_price), **extra}


def issue(books: Books, buyer: str | dict, *lines: dict, **fields: Any) -> str:
    """Create a client and an invoice to it, mark the invoice sent (issued), and give its id."""
    client = books.clients.create(BUYERS[buyer] if isinstance(buyer, str) else buyer)
    invoice = books.invoices.create({"clientId": client.id, "lineItems": list(lines), **fields})
    books.invoices.send(invoice.id, {})
    return invoice.id


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the schematron warnings each validated case drew (errors fail the test)."""
    from tests.einvoice.validation import WARNINGS_SEEN

    if not WARNINGS_SEEN:
        return
    terminalreporter.section("EN 16931 schematron warnings per case")
    for case, warnings in sorted(WARNINGS_SEEN.items()):
        terminalreporter.write_line(f"{case}: {len(warnings)} warning(s)")
        for warning in warnings:
            terminalreporter.write_line(f"    {warning}")
