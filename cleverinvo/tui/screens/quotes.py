"""Quotes: the list (search, page), the editor (the invoice editor with a quote's number and validity), e-mailing
a quote (the invoices' e-mail dialog) or marking it sent, the client's answer taken by phone (accept, decline),
and making the accepted quote an invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from cleverinvo.core import CleverInvoError
from cleverinvo.core.delivery.messages import Kind
from cleverinvo.core.delivery.sending import Draft
from cleverinvo.core.records import Invoice, Page, Quote, QuoteStatus, QuoteSummary
from cleverinvo.tui.format import day
from cleverinvo.tui.screens.delivery import EmailDialog
from cleverinvo.tui.screens.dialogs import ConfirmDialog
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen, body_of
from cleverinvo.tui.screens.listing import ListScreen
from cleverinvo.tui.widgets.tables import Col

# Which actions each status allows, as the core decides them (the core refuses the others anyway); the footer shows
# only these, so that at 80 columns the keys that matter for the chosen quote fit.
ALLOWED: dict[str, tuple[QuoteStatus, ...]] = {
    "edit": (QuoteStatus.DRAFT,),
    "delete": (QuoteStatus.DRAFT,),
    "send": (QuoteStatus.DRAFT,),
    "email": (QuoteStatus.DRAFT, QuoteStatus.SENT),
    "accept": (QuoteStatus.SENT,),
    "decline": (QuoteStatus.SENT, QuoteStatus.EXPIRED),
    "convert": (QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.EXPIRED),
}


class QuotesScreen(ListScreen[QuoteSummary]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new-quote"),
        Binding("e", "edit", "Edit", id="edit-quote"),
        Binding("t", "email", "E-mail", id="email-quote"),
        Binding("m", "send", "Mark sent", id="send-quote"),
        Binding("a", "accept", "Accepted", id="accept-quote"),
        Binding("x", "decline", "Declined", id="decline-quote"),
        Binding("v", "convert", "Invoice it", id="convert-quote"),
        Binding("delete", "delete", "Delete", id="delete-quote"),
    ]
    COLUMNS = (
        Col("Number"),
        Col("Client", gives_way=1, minimum=10, grows=True),
        Col("Valid until"),
        Col("Total", right=True),
        Col("Status", gives_way=2, minimum=6),
    )
    SEARCH_HINT = "Search by number, client name or e-mail"

    def fetch(self, page: int, limit: int, search: str | None) -> Page[QuoteSummary]:
        return self.books.quotes.list(page, limit, search)

    def row(self, item: QuoteSummary) -> tuple[Any, ...]:
        total = Text(self.shell.words.money(item.total, item.currency), justify="right")
        return (item.number, item.client.name, day(item.valid_until), total, item.status.value.lower())

    def key(self, item: QuoteSummary) -> str:
        return item.id

    def title_text(self) -> str:
        return "Quotes"

    def open(self, item: QuoteSummary) -> None:
        if item.status is QuoteStatus.DRAFT:
            self.app.push_screen(QuoteEditorScreen(self.books.quotes.get(item.id)), lambda _: self.reload())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ALLOWED:
            chosen = self.selected
            return chosen is not None and chosen.status in ALLOWED[action]  # hidden where not allowed
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_new(self) -> None:
        self.app.push_screen(QuoteEditorScreen(), lambda _: self.reload())

    def action_edit(self) -> None:
        if self.selected is not None:
            self.open(self.selected)

    def _answer(self, change: Callable[[str], Quote], done: str) -> None:
        chosen = self.selected
        if chosen is None:
            return

        def changed(quote: Quote) -> None:
            self.notify(f"{quote.number} {done}")
            self.reload()

        self.run_core(lambda: change(chosen.id), changed, failed=self.refused)

    def refused(self, error: CleverInvoError) -> None:
        self.notify(error.message, severity="error")
        self.reload()

    def action_send(self) -> None:
        self._answer(self.books.quotes.mark_sent, "marked sent")

    def action_email(self) -> None:
        chosen, quotes, delivery = self.selected, self.books.quotes, self.books.delivery
        if chosen is None:
            return

        def drafted(found: tuple[Quote, Draft]) -> None:
            self.app.push_screen(EmailDialog(*found, Kind.QUOTE), self.emailed)

        self.run_core(
            lambda: (quotes.get(chosen.id), delivery.draft(chosen.id, Kind.QUOTE)), drafted, failed=self.refused
        )

    def emailed(self, quote: Quote | None) -> None:
        if quote is not None:
            self.notify(f"{quote.number}: e-mailed")
            self.reload()

    def action_accept(self) -> None:
        self._answer(self.books.quotes.accept, "accepted")

    def action_decline(self) -> None:
        self._answer(self.books.quotes.decline, "declined")

    def action_convert(self) -> None:
        chosen = self.selected
        if chosen is None:
            return

        def made(invoice: Invoice) -> None:
            self.notify(f"{chosen.number} became invoice {invoice.number} (a draft)")
            self.shell.open_invoice(invoice.id)

        self.run_core(lambda: self.books.quotes.make_invoice(chosen.id), made, failed=self.refused)

    def action_delete(self) -> None:
        chosen = self.selected
        if chosen is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_core(lambda: self.books.quotes.delete(chosen.id), lambda _: self.reload())

        self.app.push_screen(ConfirmDialog(f"Delete the draft quote {chosen.number}?"), confirmed)


class QuoteEditorScreen(InvoiceEditorScreen):
    """Write a new quote, or change a DRAFT one: the invoice editor with the quote's number and how long it is
    valid instead of a due date, and no date of supply."""

    NOUN = "quote"
    NUMBER_KEY = AFTER_CLIENT = "quoteNumber"
    END_KEY, END_LABEL = "validUntil", "Valid until"
    TERMS_FIELD = "validUntil"
    SUPPLY = False

    def __init__(self, quote: Quote | None = None) -> None:
        super().__init__()
        self.quote = quote
        self.start = body_of(quote, self.NUMBER_KEY) if quote else {}
        self.client = quote.client if quote else None
        self.default_currency = quote.currency.code if quote else ""

    @property
    def editing(self) -> object | None:
        return self.quote

    def title_text(self) -> str:
        return f"Edit quote {self.quote.number}" if self.quote else "New quote"

    def body(self) -> dict[str, Any]:
        """The quote as the core reads it; an edited quote keeps its client unless another is chosen."""
        body = super().body()
        if self.quote is not None and self.client is self.quote.client:
            body.pop("clientId")
        return body

    def saving(self, body: dict[str, Any]) -> Callable[[], Quote]:
        quotes, quote = self.books.quotes, self.quote
        return (lambda: quotes.update(quote.id, body)) if quote else (lambda: quotes.create(body))

    def saved(self, quote: Quote) -> None:
        self.notify(f"Saved {quote.number}, valid until {day(quote.valid_until)}")
        self.dismiss(None)
