"""How the model's values are written in both syntaxes: amounts, plain decimals, dates, and the XML bytes."""

import datetime as dt
from decimal import Decimal

from lxml import etree


def amount(value: Decimal) -> str:
    """An amount as the model holds it (at most two places, never an exponent): ``1234.50``, ``3669``."""
    return format(value, "f")


def number(value: Decimal) -> str:
    """A quantity, price or percentage without trailing zeros or an exponent: ``19``, ``7.5``, ``0.125``."""
    return format(value.normalize(), "f") if value else "0"


def compact_date(day: dt.date) -> str:
    """``20261202``: CII's date format 102."""
    return day.strftime("%Y%m%d")


def to_bytes(root: etree._Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration, indented for people who open it."""
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
