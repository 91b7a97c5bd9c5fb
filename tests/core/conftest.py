"""Helpers for core tests: a client and a valid invoice body in one call."""

from decimal import Decimal
from typing import Any

import pytest

from cleverinvo.core import Books
from cleverinvo.core.records import Client


def line(description: str = "Web Development", quantity: Any = 40, unit_price: Any = "125.00", **extra: Any) -> dict:
    price = Decimal(unit_price) if isinstance(unit_price, str) else unit_price
    return {"description": description, "quantity": quantity, "unitPrice": price, **extra}


def invoice_body(client_id: str, *lines: dict, **fields: Any) -> dict:
    return {"clientId": client_id, "lineItems": list(lines) or [line(taxRate=10)], **fields}


@pytest.fixture
def client(books: Books) -> Client:
    return books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
