"""How the TUI shows the core's values: money per currency, statuses in colour, dates and rates."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from rich.text import Text

from cleverinvo.core.money import Currency, currency, format_money, format_quantity
from cleverinvo.core.records import Status

STATUS_STYLES: dict[Status, str] = {
    Status.DRAFT: "grey50",
    Status.SENT: "dodger_blue2",
    Status.VIEWED: "dark_cyan",
    Status.PARTIALLY_PAID: "dark_orange",
    Status.PAID: "green4",
    Status.OVERDUE: "bold red3",
}
STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.SENT: "Sent",
    Status.VIEWED: "Viewed",
    Status.PARTIALLY_PAID: "Partly paid",
    Status.PAID: "Paid",
    Status.OVERDUE: "Overdue",
}


def status_text(status: Status) -> Text:
    """The status as a coloured label, e.g. ``Partly paid`` in orange."""
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def money(value: Decimal, cur: Currency) -> str:
    return format_money(value, cur)


def amounts(per_code: Mapping[str, Decimal], separator: str = "\n") -> str:
    """One amount per currency (by default one a line), e.g. ``$1,250.00``; a dash when there is nothing."""
    if not per_code:
        return "—"
    return separator.join(format_money(value, currency(code)) for code, value in sorted(per_code.items()))


def rate(value: Decimal) -> str:
    """A percentage as typed: ``10%``, ``7.5%``."""
    return f"{format_quantity(value)}%"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def plain_number(value: Decimal) -> str:
    """A Decimal as a person would type it back: ``40``, ``125.00``."""
    return format(value, "f")
