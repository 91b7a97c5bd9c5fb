"""What is owed, overdue and paid: sums done in SQL on integer minor units, grouped by currency. Credit notes
count as settled: what they credit is not owed."""

from collections.abc import Iterable
from decimal import Decimal

import peewee as pw

from cleverinvo.core import clock
from cleverinvo.core.billing.invoices import Invoices, settled_sql, status_sql
from cleverinvo.core.money import currency, from_minor
from cleverinvo.core.records import Dashboard, Status
from cleverinvo.core.storage import models
from cleverinvo.core.storage.search import within


def _by_currency(sums: Iterable[tuple[str, int | None]]) -> dict[str, Decimal]:
    return {code: from_minor(int(minor), currency(code)) for code, minor in sums if minor}


# What is still owed of an invoice in these statuses (the rest are drafts, or settled in full).
_OPEN = (Status.SENT, Status.VIEWED, Status.PARTIALLY_PAID, Status.OVERDUE)


def dashboard(account_id: str, client_id: str | None = None, recent: int = 10) -> Dashboard:
    """The account's (or one client's) position today.

    Counts, what is owed and what is overdue come from one pass over the invoices, grouped by currency and status
    (an invoice is open exactly when its status is one of ``_OPEN``, overdue when it is OVERDUE); what was paid
    this month is read from the month's payments.
    """
    today = clock.today()
    invoice = models.Invoice
    mine = [invoice.client == client_id] if client_id is not None else []
    status = status_sql(today)
    by_status = (
        invoice.select(
            invoice.currency, status, pw.fn.COUNT(pw.SQL("*")), pw.fn.SUM(invoice.total_minor - settled_sql())
        )
        .where(invoice.account == account_id, *mine)
        .group_by(invoice.currency, status)
    )
    counts: dict[Status, int] = {}
    owed: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for code, name, number, unsettled in by_status.tuples():
        status_now = Status(name)
        counts[status_now] = counts.get(status_now, 0) + number
        if status_now in _OPEN:
            owed[code] = owed.get(code, 0) + int(unsettled)
        if status_now is Status.OVERDUE:
            overdue[code] = overdue.get(code, 0) + int(unsettled)
    # The payments drive, each finding its invoice by id: the account's index would walk every invoice it has.
    paid = (
        models.Payment.select(invoice.currency, pw.fn.SUM(models.Payment.amount_minor))
        .join(invoice)
        .where(within(invoice, account_id), models.Payment.paid_on >= clock.month_start(today), *mine)
        .group_by(invoice.currency)
    )
    return Dashboard(
        owed=_by_currency(owed.items()),
        overdue=_by_currency(overdue.items()),
        paid_this_month=_by_currency(paid.tuples()),
        counts=counts,
        recent=Invoices(account_id).list(limit=recent, client_id=client_id).items,
    )
