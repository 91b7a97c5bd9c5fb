"""How the TUI shows the core's values: money, prices, quantities and rates in the account's language (through the
core's ``DocumentLocale``, as on the PDF), statuses in colour, dates as they are typed (``YYYY-MM-DD``)."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from babel.numbers import format_decimal
from rich.text import Text

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.i18n.locales import DocumentLocale
from cleverinvo.core.i18n.regions import language_choices
from cleverinvo.core.money import currency
from cleverinvo.core.records import Invoice, Status

STATUS_STYLES: dict[Status, str] = {
    Status.DRAFT: "grey50",
    Status.SENT: "dodger_blue2",
    Status.VIEWED: "dark_cyan",
    Status.PARTIALLY_PAID: "dark_orange",
    Status.PAID: "green4",
    Status.OVERDUE: "bold red3",
    Status.VOID: "strike grey50",
}
STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.SENT: "Sent",
    Status.VIEWED: "Viewed",
    Status.PARTIALLY_PAID: "Partly paid",
    Status.PAID: "Paid",
    Status.OVERDUE: "Overdue",
    Status.VOID: "Void",
}


def status_text(status: Status) -> Text:
    """The status as a coloured label, e.g. ``Partly paid`` in orange."""
    return Text(STATUS_LABELS.get(status, status.value.title()), style=STATUS_STYLES.get(status, ""))


def amounts(per_code: Mapping[str, Decimal], words: DocumentLocale, separator: str = "\n") -> str:
    """One amount per currency (by default one a line), e.g. ``$1,250.00``; a dash when there is nothing."""
    if not per_code:
        return "—"
    return separator.join(words.money(value, currency(code)) for code, value in sorted(per_code.items()))


def rate(value: Decimal, words: DocumentLocale) -> str:
    """A percentage as typed: ``10%``, ``7,5 %``."""
    return words.percent(value)


def typed(value: Decimal, words: DocumentLocale) -> str:
    """A number as a person would type it back in the account's language, every place kept: ``3960.16``,
    ``3960,16``, ``40``."""
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    return format_decimal(value, format=f"0.{'0' * places}" if places else "0", locale=words.locale)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def category_mark(category: TaxCategory) -> str:
    """A line's tax category, to follow its rate, when it is not the standard one: `` AE``, `` Z``."""
    return "" if category is TaxCategory.STANDARD else f" {category.value}"


def details(invoice: Invoice) -> list[str]:
    """What an invoice states beside its dates: its language, the buyer's reference, when the service was given."""
    named = {code: name for name, code in language_choices()}
    shown = [f"Language {named[invoice.language.value]}"]
    if invoice.buyer_reference:
        shown.append(f"Buyer ref. {invoice.buyer_reference}")
    if invoice.service_date:
        shown.append(f"Service {day(invoice.service_date)}")
    elif invoice.service_period_start:
        shown.append(f"Service {day(invoice.service_period_start)} to {day(invoice.service_period_end)}")
    return shown
