"""One invoice with everything about it; export its PDF, mark it sent or e-mail it, copy its view link, record
payments, duplicate, delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from cleverinvo.core.delivery.links import view_url
from cleverinvo.core.money import format_quantity
from cleverinvo.core.records import Invoice, Payment, Status
from cleverinvo.tui.format import day, moment, money, rate, status_text
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.delivery import EmailDialog
from cleverinvo.tui.screens.dialogs import ConfirmDialog, ExportDialog, PaymentDialog
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.widgets.tables import add_columns
from cleverinvo.tui.widgets.totals import TotalsPanel

LINE_COLUMNS = (("Description", 30), ("Qty", 6), ("Unit price", 12), ("Tax", 6), ("Amount", 14))
PAYMENT_COLUMNS = (("Paid on", 10), ("Amount", 12), ("Method", 10))
# Actions and the core's rule of the statuses that allow them (the TUI deletes drafts only, as it edits them).
ALLOWED: dict[str, Callable[[Status], bool]] = {
    "edit": lambda status: status.editable,
    "delete": lambda status: status.editable,
    "mark_sent": lambda status: status.editable,
    "payment": lambda status: status.payable,
}


class InvoiceDetailScreen(CoreScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export PDF", id="export"),
        Binding("m", "mark_sent", "Mark sent", id="mark-sent"),
        Binding("t", "email", "E-mail", id="email"),
        Binding("l", "copy_link", "Copy link", id="copy-link"),
        Binding("p", "payment", "Payment", id="payment"),
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
            yield DataTable(cursor_type="row", id="detail-lines")
            with Horizontal(id="detail-money"):
                yield DataTable(cursor_type="none", id="detail-payments")
                yield TotalsPanel(id="detail-totals")
            yield Static("", id="detail-notes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        add_columns(self.query_one("#detail-lines", DataTable), LINE_COLUMNS)
        add_columns(self.query_one("#detail-payments", DataTable), PAYMENT_COLUMNS)
        self.query_one("#detail-lines").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        invoice_id = self.invoice_id
        invoices = self.books.invoices
        busy = self.query_one("#detail") if self.invoice is None else None  # later reloads keep showing the old
        self.run_core(lambda: invoices.get(invoice_id), self.show, busy=busy, group="load")

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
        if invoice.view_token:
            seen = f"viewed {moment(invoice.viewed_at)}" if invoice.viewed_at else "not viewed"
            facts.append(f"Link {view_url(invoice.view_token)} · {seen}")
        self.query_one("#detail-facts", Static).update("\n".join(facts))
        lines: DataTable[Any] = self.query_one("#detail-lines", DataTable)
        lines.clear()
        for li in invoice.line_items:
            lines.add_row(
                li.description,
                Text(format_quantity(li.quantity), justify="right"),
                Text(money(li.unit_price, cur), justify="right"),
                Text(rate(li.tax_rate), justify="right"),
                Text(money(li.amount, cur), justify="right"),
            )
        self.show_payments(invoice)
        extra = [("Paid", invoice.amount_paid), ("Due", invoice.amount_due)] if invoice.status != Status.DRAFT else []
        self.query_one(TotalsPanel).show(invoice, cur, extra)
        texts = (("Notes", invoice.notes), ("Terms", invoice.terms))
        notes = [f"[b]{label}[/b] {text}" for label, text in texts if text]
        self.query_one("#detail-notes", Static).update("\n".join(notes))
        self.refresh_bindings()

    def keep_pdf_current(self, invoice_id: str) -> None:
        """Every change made in the TUI ends on this screen: render the stored PDF now if it is stale."""
        documents = self.books.documents
        self.run_core(lambda: documents.refresh(invoice_id), lambda _: None, group="pdf")

    def show_payments(self, invoice: Invoice) -> None:
        table: DataTable[Any] = self.query_one("#detail-payments", DataTable)
        table.clear()
        for payment in invoice.payments:
            table.add_row(
                day(payment.date), Text(money(payment.amount, invoice.currency), justify="right"), payment.method or ""
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ALLOWED:
            return self.invoice is not None and ALLOWED[action](self.invoice.status)
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
        self.run_core(lambda: invoices.mark_sent(self.invoice_id), self.changed("Marked as sent"))

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
            self.notify(f"Recorded {money(payment.amount, self.invoice.currency)}")

    def action_export(self) -> None:
        if self.invoice is not None:
            self.app.push_screen(ExportDialog(self.invoice), self.exported)

    def exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Saved {path}", title="PDF exported")

    def action_duplicate(self) -> None:
        invoices = self.books.invoices
        self.run_core(lambda: invoices.duplicate(self.invoice_id), self.duplicated)

    def duplicated(self, copy: Invoice) -> None:
        self.notify(f"Duplicated as {copy.number}")
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
            self.show(invoice)

        return done
