"""One invoice with everything about it and its history; export its PDF, mark it sent or e-mail it, copy its view
link, record and remove payments, credit it, duplicate, delete a draft."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from cleverinvo.core import CleverInvoError, ProfileIncomplete
from cleverinvo.core.delivery.links import view_url
from cleverinvo.core.records import CreditNote, Event, Invoice, Payment, Status
from cleverinvo.tui.format import category_mark, day, details, moment, rate, status_text
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.delivery import EmailDialog
from cleverinvo.tui.screens.dialogs import ConfirmDialog, CreditNoteDialog, ExportDialog, PaymentDialog
from cleverinvo.tui.screens.export_formats import FormatExportDialog
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.settings import SettingsScreen
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.tables import Col, FittedTable, cursor_key
from cleverinvo.tui.widgets.totals import TotalsPanel

LINE_COLUMNS = (
    Col("Description", gives_way=1, minimum=12, grows=True),
    Col("Qty", right=True),
    Col("Unit price", right=True),
    Col("Disc", right=True, gives_way=2, minimum=4),
    Col("Tax", right=True, gives_way=3, minimum=3),
    Col("Amount", right=True),
)
PAYMENT_COLUMNS = (
    Col("Paid on"),
    Col("Amount", right=True),
    Col("Method", gives_way=2, minimum=10),
    Col("Note", gives_way=1, minimum=8, grows=True),
)
# Actions and the core's rule of the statuses that allow them (the TUI deletes drafts only, as it edits them).
ALLOWED: dict[str, Callable[[Status], bool]] = {
    "edit": lambda status: status.editable,
    "delete": lambda status: status.editable,
    "mark_sent": lambda status: status.editable,
    "payment": lambda status: status.payable,
    "credit": lambda status: status.creditable,
}
EVENT_LABELS = {
    "created": "created",
    "updated": "changed",
    "issued": "issued",
    "emailed": "e-mailed",
    "viewed": "viewed by the client",
    "payment_recorded": "payment recorded",
    "payment_removed": "payment removed",
    "credited": "credited",
    "reminder_sent": "reminder sent",
}


class InvoiceDetailScreen(CoreScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export PDF", id="export"),
        Binding("m", "mark_sent", "Mark sent", id="mark-sent"),
        Binding("t", "email", "E-mail", id="email"),
        Binding("l", "copy_link", "Copy link", id="copy-link"),
        Binding("p", "payment", "Payment", id="payment"),
        Binding("r", "remove_payment", "Remove payment", id="remove-payment"),
        Binding("c", "credit", "Credit note", id="credit"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("u", "duplicate", "Copy", id="duplicate"),
        Binding("delete", "delete", "Delete", id="delete"),
    ]

    def __init__(self, invoice_id: str) -> None:
        super().__init__()
        self.invoice_id = invoice_id
        self.invoice: Invoice | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-title", classes="screen-title")
            yield Static("", id="detail-facts")
            yield FittedTable(LINE_COLUMNS, cursor_type="row", id="detail-lines")
            yield TotalsPanel(id="detail-totals")
            yield Static("Payments", id="payments-title", classes="section-title")
            yield FittedTable(PAYMENT_COLUMNS, cursor_type="row", id="detail-payments")
            yield Static("", id="detail-notes")
            yield Static("", id="detail-history")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-lines").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        invoice_id = self.invoice_id
        invoices = self.books.invoices
        busy = self.query_one("#detail") if self.invoice is None else None  # later reloads keep showing the old
        self.run_core(
            lambda: (invoices.get(invoice_id), invoices.events(invoice_id)), self.show_all, busy=busy, group="load"
        )

    def show_all(self, loaded: tuple[Invoice, tuple[Event, ...]]) -> None:
        invoice, history = loaded
        self.show(invoice)
        self.show_history(history)

    def show_history(self, history: tuple[Event, ...]) -> None:
        """What happened to the invoice, oldest first, one line each: when, what, who."""
        lines = [
            f"{moment(e.at)}  {EVENT_LABELS[e.type.value]}{self.event_detail(e)}  [dim]{e.actor}[/dim]" for e in history
        ]
        self.query_one("#detail-history", Static).update("[b]History[/b]\n" + "\n".join(lines) if lines else "")

    def event_detail(self, event: Event) -> str:
        detail, words = event.detail, self.shell.words
        if self.invoice is None:
            return ""
        if "creditNoteNumber" in detail:
            return f" {detail['creditNoteNumber']} ({words.money(detail['total'], self.invoice.currency)})"
        if "amount" in detail:
            return f" {words.money(detail['amount'], self.invoice.currency)}"
        return ""

    def show(self, invoice: Invoice) -> None:
        self.invoice = invoice
        self.keep_pdf_current(invoice.id)
        cur = invoice.currency
        title = Text.assemble((f"Invoice {invoice.number}", "bold"), "  ", status_text(invoice.status))
        self.query_one("#detail-title", Static).update(title)
        client = invoice.client
        facts = [
            f"[b]{client.name}[/b]" + (f"  {client.email}" if client.email else ""),
            f"Issued {day(invoice.issue_date)} · due {day(invoice.due_date)} · {cur.code}"
            + (f" · sent {moment(invoice.sent_at)}" if invoice.sent_at else "")
            + (f" · paid {moment(invoice.paid_at)}" if invoice.paid_at else ""),
        ]
        facts.append(" · ".join(details(invoice)))
        if invoice.view_token:
            seen = f"viewed {moment(invoice.viewed_at)}" if invoice.viewed_at else "not viewed"
            facts.append(f"Link {view_url(invoice.view_token)} · {seen}")
        self.query_one("#detail-facts", Static).update("\n".join(facts))
        words = self.shell.words
        self.query_one("#detail-lines", FittedTable).show_rows(
            [
                (
                    str(index),
                    (
                        li.description,
                        Text(words.quantity(li.quantity), justify="right"),
                        Text(words.price(li.unit_price, cur), justify="right"),
                        Text(rate(li.discount_rate, words) if li.discount_rate else "", justify="right"),
                        Text(rate(li.tax_rate, words) + category_mark(li.tax_category), justify="right"),
                        Text(words.money(li.amount, cur), justify="right"),
                    ),
                )
                for index, li in enumerate(invoice.line_items)
            ]
        )
        self.show_payments(invoice)
        extra = [("Paid", invoice.amount_paid), ("Due", invoice.amount_due)] if invoice.status != Status.DRAFT else []
        if invoice.amount_credited:
            extra.insert(1, ("Credited", invoice.amount_credited))
        self.query_one(TotalsPanel).show(invoice, cur, words, extra)
        texts = (("Tax exemption", invoice.tax_exemption_reason), ("Notes", invoice.notes), ("Terms", invoice.terms))
        notes = [f"[b]{label}[/b] {text}" for label, text in texts if text]
        self.query_one("#detail-notes", Static).update("\n".join(notes))
        self.refresh_bindings()

    def keep_pdf_current(self, invoice_id: str) -> None:
        """Every change made in the TUI ends on this screen: render the stored PDF now if it is stale."""
        documents = self.books.documents
        self.run_core(lambda: documents.refresh(invoice_id), lambda _: None, group="pdf")

    def show_payments(self, invoice: Invoice) -> None:
        """The payments received, each with its method and note in full; nothing at all before the first."""
        words = self.shell.words
        rows = [
            (
                payment.id,
                (
                    day(payment.date),
                    Text(words.money(payment.amount, invoice.currency), justify="right"),
                    payment.method or "",
                    payment.note or "",
                ),
            )
            for payment in invoice.payments
        ]
        self.query_one("#detail-payments", FittedTable).show_rows(rows)
        self.query_one("#detail-payments").display = bool(rows)
        self.query_one("#payments-title").display = bool(rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ALLOWED:
            return self.invoice is not None and ALLOWED[action](self.invoice.status)
        if action == "remove_payment":
            return self.invoice is not None and bool(self.invoice.payments)
        if action in ("export", "duplicate", "email"):
            return self.invoice is not None
        if action == "copy_link":
            return self.invoice is not None and self.invoice.view_token is not None
        return True

    # Actions ------------------------------------------------------------------------------------------------

    def action_edit(self) -> None:
        if self.invoice is not None:
            self.app.push_screen(InvoiceEditorScreen(self.invoice))

    def action_mark_sent(self) -> None:
        invoices = self.books.invoices
        self.run_core(lambda: invoices.mark_sent(self.invoice_id), self.changed("Marked as sent"), failed=self.refused)

    def refused(self, error: CleverInvoError) -> None:
        """A refusal; a missing seller profile opens the settings to fill it in."""
        if isinstance(error, ProfileIncomplete):
            self.notify("Fill in your seller profile first: your name is printed on every invoice.", severity="error")
            self.app.push_screen(SettingsScreen(first_run=True))
        else:
            self.notify(error.message, severity="error")

    def action_email(self) -> None:
        if self.invoice is not None:
            invoice, delivery = self.invoice, self.books.delivery
            self.run_core(
                lambda: delivery.draft(invoice.id),
                lambda draft: self.app.push_screen(EmailDialog(invoice, draft), self.emailed),
            )

    def emailed(self, invoice: Invoice | None) -> None:
        if invoice is not None:
            self.notify(f"{invoice.number}: e-mailed")

    def action_copy_link(self) -> None:
        if self.invoice is not None and self.invoice.view_token is not None:
            link = view_url(self.invoice.view_token)
            self.app.copy_to_clipboard(link)
            self.notify(link, title="View link copied")

    def action_payment(self) -> None:
        if self.invoice is not None:
            self.app.push_screen(PaymentDialog(self.invoice), self.paid)

    def paid(self, payment: Payment | None) -> None:
        """The dialog closed after the payment was recorded; coming back to this screen reloads it."""
        if payment is not None and self.invoice is not None:
            self.notify(f"Recorded {self.shell.words.money(payment.amount, self.invoice.currency)}")

    def action_remove_payment(self) -> None:
        """Remove the payment under the cursor of the payments table, after asking."""
        if self.invoice is None or not self.invoice.payments:
            return
        chosen = cursor_key(self.query_one("#detail-payments", FittedTable))
        payment = next((p for p in self.invoice.payments if p.id == chosen), self.invoice.payments[0])
        amount = self.shell.words.money(payment.amount, self.invoice.currency)
        question = f"Remove the payment of {amount} of {day(payment.date)}?"
        self.app.push_screen(ConfirmDialog(question), lambda yes: self.remove_confirmed(payment, yes))

    def remove_confirmed(self, payment: Payment, yes: bool | None) -> None:
        if yes:
            invoices = self.books.invoices
            self.run_core(lambda: invoices.remove_payment(self.invoice_id, payment.id), lambda _: self.removed())

    def removed(self) -> None:
        self.notify("Payment removed")
        self.load()

    def action_credit(self) -> None:
        if self.invoice is not None:
            self.app.push_screen(CreditNoteDialog(self.invoice), self.credited)

    def credited(self, credit_note: CreditNote | None) -> None:
        """The dialog closed after the credit note was made; coming back to this screen reloads it."""
        if credit_note is not None:
            total = self.shell.words.money(credit_note.total, credit_note.currency)
            self.notify(f"{credit_note.number}: {total} credited")

    def action_export(self) -> None:
        if self.invoice is None:
            return
        if not self.shell.has_seller:
            self.refused(ProfileIncomplete("no seller name"))
            return
        # an issued invoice can also be exported as an e-invoice; a draft only as its PDF
        dialog = ExportDialog(self.invoice) if self.invoice.status.editable else FormatExportDialog(self.invoice)
        self.app.push_screen(dialog, self.exported)

    def exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Saved {path}", title="Exported")

    def action_duplicate(self) -> None:
        """A copy opens in the editor unsaved: it takes a number only when it is saved."""
        if self.invoice is not None:
            invoices = self.books.invoices
            source = self.invoice
            self.run_core(lambda: invoices.copy_of(source.id), lambda body: self.edit_copy(source, body))

    def edit_copy(self, source: Invoice, body: dict[str, Any]) -> None:
        self.app.push_screen(InvoiceEditorScreen(copy=(source, body)), self.copy_saved)

    def copy_saved(self, copy: Invoice | None) -> None:
        if copy is not None:
            self.app.switch_screen(InvoiceDetailScreen(copy.id))

    def action_delete(self) -> None:
        if self.invoice is not None:
            self.app.push_screen(ConfirmDialog(f"Delete the draft {self.invoice.number}?"), self.delete_confirmed)

    def delete_confirmed(self, yes: bool | None) -> None:
        if yes:
            invoices = self.books.invoices
            self.run_core(lambda: invoices.delete(self.invoice_id), lambda _: self.deleted())

    def deleted(self) -> None:
        self.notify("Draft deleted")
        self.dismiss()

    def changed(self, message: str) -> Any:
        def done(invoice: Invoice) -> None:
            self.notify(f"{invoice.number}: {message}")
            self.load()

        return done
