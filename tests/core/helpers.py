"""Builders for core tests: a line item and a valid invoice body in one call."""

from decimal import Decimal
from typing import Any


def line(description: str = "Web Development", quantity: Any = 40, unit_price: Any = "125.00", **extra: Any) -> dict:
    price = Decimal(unit_price) if isinstance(unit_price, str) else unit_price
    return {"description": description, "quantity": quantity, "unitPrice": price, **extra}


def invoice_body(client_id: str, *lines: dict, **fields: Any) -> dict:
    return {"clientId": client_id, "lineItems": list(lines) or [line(taxRate=10)], **fields}
