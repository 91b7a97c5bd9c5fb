"""The quote as a PDF: the invoice's layout titled "Quote", valid until a date, with nothing to pay yet."""

import datetime as dt

from cleverinvo.core import clock
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.pdf.invoice import shared_fields
from cleverinvo.core.records import Account, Logo, Quote, QuoteStatus


def quote_sheet(quote: Quote, account: Account, logo: Logo | None = None) -> Sheet:
    """What the quote's PDF shows: its issue date, how long it is valid and the buyer's reference beside the
    title; the lines and totals; no amount due, no payment details; a DRAFT mark until it is sent."""
    facts = [Fact(N_("Issue date"), quote.issue_date), Fact(N_("Valid until"), quote.valid_until)]
    if quote.buyer_reference:
        facts.append(Fact(N_("Buyer reference"), quote.buyer_reference))
    return Sheet(
        kind=N_("Quote"),
        number_label=N_("Quote number"),
        facts=tuple(facts),
        draft=quote.status is QuoteStatus.DRAFT,
        **shared_fields(quote, account, logo),
    )


def render_quote(quote: Quote, account: Account, logo: Logo | None = None, created: dt.datetime | None = None) -> bytes:
    """The quote as PDF bytes in its language; the same arguments give the same bytes."""
    return render(quote_sheet(quote, account, logo), created or clock.now(), f"{quote.id}/{quote.version}")
