"""What is owed, overdue and paid: sums done in SQL on integer minor units, grouped by currency. Credit notes
count as settled: what they credit is not owed."""

from decimal import Decimal

import peewee as pw

from cleverinvo.core import clock
from cleverinvo.core.billing.invoices import Invoices, settled_sql, status_sql
from cleverinvo.core.money import currency, from_minor
from cleverinvo.core.records import Dashboard, Status
from cleverinvo.core.storage import models


def _by_currency(query: pw.ModelSelect) -> dict[str, Decimal]:
    return {code: from_minor(int(minor), currency(code)) for code, minor in query.tuples() if minor}


def dashboard(account_id: str, client_id: str | None = None, recent: int = 10) -> Dashboard:
    """The account's (or one client's) position today."""
    today = clock.today()
    invoice = models.Invoice
    mine = invoice.account == account_id
    if client_id is not None:
        mine &= invoice.client == client_id
    open_ = mine & (invoice.stage != Status.DRAFT.value) & (settled_sql() < invoice.total_minor)
    owed = invoice.select(invoice.currency, pw.fn.SUM(invoice.total_minor - settled_sql()))
    paid = (
        models.Payment.select(invoice.currency, pw.fn.SUM(models.Payment.amount_minor))
        .join(invoice)
        .where(mine & (models.Payment.paid_on >= clock.month_start(today)))
        .group_by(invoice.currency)
    )
    status = status_sql(today)
    counts = invoice.select(status, pw.fn.COUNT(invoice.id)).where(mine).group_by(status)
    latest = Invoices(account_id).list(limit=recent, client_id=client_id).items
    return Dashboard(
        owed=_by_currency(owed.where(open_).group_by(invoice.currency)),
        overdue=_by_currency(owed.where(open_ & (invoice.due_date < today)).group_by(invoice.currency)),
        paid_this_month=_by_currency(paid),
        counts={Status(name): number for name, number in counts.tuples()},
        recent=latest,
    )
