"""The invoice editor: header fields, a line-item grid with live totals from the core, save with validation."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Static

from cleverinvo.core import CleverInvoError, ValidationError
from cleverinvo.core.billing.invoices import preview_totals
from cleverinvo.core.money import currency, format_quantity
from cleverinvo.core.records import Account, Client, Invoice
from cleverinvo.tui.format import money, plain_number
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.dialogs import ClientPicker, ConfirmDialog
from cleverinvo.tui.widgets.form import ChoiceField, FormField, form_values, show_refusal
from cleverinvo.tui.widgets.lines import LineGrid, LineRow
from cleverinvo.tui.widgets.totals import TotalsPanel

NO_CLIENT = "Choose… (Ctrl+L)"


def line_values(invoice: Invoice) -> list[dict[str, str]]:
    return [
        {
            "description": li.description,
            "quantity": format_quantity(li.quantity),
            "unitPrice": plain_number(li.unit_price),
            "taxRate": format_quantity(li.tax_rate) if li.tax_rate else "",
            "discountRate": format_quantity(li.discount_rate) if li.discount_rate else "",
        }
        for li in invoice.line_items
    ]


class InvoiceEditorScreen(CoreScreen[Invoice | None]):
    """Write a new invoice, or change a DRAFT. Dismisses with the saved invoice, or ``None`` when left unsaved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+n", "add_line", "Add line", id="add-line"),
        Binding("ctrl+r", "remove_line", "Drop line", id="remove-line"),
        Binding("alt+up", "move_line(-1)", "Move line", key_display="alt+↑↓", id="line-up"),
        Binding("alt+down", "move_line(1)", "Move line down", show=False, id="line-down"),
        Binding("ctrl+l", "pick_client", "Client", id="pick-client"),
        Binding("escape", "cancel", "Back", id="cancel-editor"),
    ]

    def __init__(self, invoice: Invoice | None = None, client: Client | None = None) -> None:
        super().__init__()
        self.invoice = invoice
        self.client = client
        self.default_currency = invoice.currency.code if invoice else ""
        self.changed = False  # something was typed or chosen since the editor opened

    def compose(self) -> ComposeResult:
        invoice = self.invoice
        yield Header()
        yield Static(f"Edit {invoice.number}" if invoice else "New invoice", classes="screen-title")
        with VerticalScroll(id="editor"):
            with Horizontal(classes="head-row"):
                chosen = invoice.client.name if invoice else self.client.name if self.client else NO_CLIENT
                yield ChoiceField("Client", "clientId", chosen)
                yield FormField("Number", "invoiceNumber", invoice.number if invoice else "", "automatic")
            with Horizontal(classes="head-row"):
                yield FormField("Currency", "currency", self.default_currency)
                yield FormField("Issued", "issueDate", invoice.issue_date.isoformat() if invoice else "", "today")
                yield FormField("Due", "dueDate", invoice.due_date.isoformat() if invoice else "", "by the terms")
            yield LineGrid(line_values(invoice) if invoice else [])
            yield TotalsPanel(id="totals")
            yield FormField("Notes", "notes", (invoice.notes or "") if invoice else "")
            yield FormField("Terms", "terms", (invoice.terms or "") if invoice else "")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.invoice is None:
            self.run_core(self.books.settings.get, self.use_settings)
            if self.client is None:
                self.query_one("#choice-clientId", Button).focus()
            else:
                self.grid.rows[0].input("description").focus()
        else:
            self.grid.rows[0].input("description").focus()
        self.update_totals()

    def use_settings(self, account: Account) -> None:
        self.default_currency = account.default_currency
        currency_field = self.field("currency")
        if not currency_field.value:
            currency_field.value = account.default_currency
        due = self.field("dueDate").input
        due.placeholder = f"in {account.payment_terms_days} days"
        self.update_totals()

    @property
    def grid(self) -> LineGrid:
        return self.query_one(LineGrid)

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    # Live totals --------------------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.changed = True
        if event.input.id == "input-currency" or self.grid.row_of(event.input) is not None:
            self.update_totals()

    def update_totals(self) -> None:
        """The core's totals of the lines typed so far (lines without quantity and price wait)."""
        panel = self.query_one(TotalsPanel)
        rows = self.grid.rows
        priced = [row for row in rows if row.is_priced()]
        code = self.field("currency").value.strip() or self.default_currency
        language = self.shell.language
        for row in rows:
            row.show_amount("")
        try:
            bodies = [{**row.body(index, language), "description": "line"} for index, row in enumerate(priced)]
            totals = preview_totals(code, bodies)
        except CleverInvoError as error:
            panel.show_problem(error.message)
            return
        cur = currency(code)
        for row, line in zip(priced, totals.lines, strict=True):
            row.show_amount(money(line.amount, cur))
        panel.show(totals, cur)

    # Lines --------------------------------------------------------------------------------------------------

    def focused_row(self) -> LineRow | None:
        return self.grid.row_of(self.focused)

    async def action_add_line(self) -> None:
        await self.grid.add_line()

    async def action_remove_line(self) -> None:
        row = self.focused_row()
        if row is not None:
            self.changed = True
            await self.grid.remove_line(row)
            self.update_totals()

    def action_move_line(self, step: int) -> None:
        row = self.focused_row()
        if row is not None:
            self.changed = True
            self.grid.move_line(row, step)

    def action_cancel(self) -> None:
        """Back without saving; asks first when something was changed."""
        if not self.changed:
            self.dismiss(None)
            return
        question = "Discard the changes to this invoice?" if self.invoice else "Discard this new invoice?"
        self.app.push_screen(ConfirmDialog(question), lambda yes: self.dismiss(None) if yes else None)

    # Client -------------------------------------------------------------------------------------------------

    def action_pick_client(self) -> None:
        self.app.push_screen(ClientPicker(), self.use_client)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "choice-clientId":
            self.action_pick_client()

    def use_client(self, choice: Client | str | None) -> None:
        if isinstance(choice, Client):
            self.changed = True
            self.client = choice
            self.query_one(ChoiceField).show_choice(choice.name)
            self.field("invoiceNumber").input.focus()

    # Saving -------------------------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """The invoice as the core reads it. Blank fields are left out (the core's defaults apply)."""
        values = form_values(self.query(FormField))
        body: dict[str, Any] = {key: text for key, text in values.items() if text.strip()}
        body["notes"], body["terms"] = values["notes"], values["terms"]
        if self.client is not None:
            body["clientId"] = self.client.id
        elif self.invoice is None:
            body["clientId"] = None
        body["lineItems"] = [row.body(index, self.shell.language) for index, row in enumerate(self.grid.rows)]
        return body

    def action_save(self) -> None:
        try:
            body = self.body()
        except ValidationError as error:
            self.refused(error)
            return
        invoices = self.books.invoices
        invoice = self.invoice
        self.run_core(
            (lambda: invoices.update(invoice.id, body)) if invoice else (lambda: invoices.create(body)),
            self.saved,
            failed=self.refused,
            busy=self.query_one("#editor"),
        )

    def saved(self, invoice: Invoice) -> None:
        self.notify(f"Saved {invoice.number}")
        self.dismiss(invoice)

    def refused(self, error: CleverInvoError) -> None:
        """Show the refusal beside its field: a line's field, the lines as a whole, or a header field."""
        self.grid.show_error(None)
        line = error.line if isinstance(error, ValidationError) else None
        if isinstance(error, ValidationError) and line is not None and line < len(self.grid.rows):
            self.grid.rows[line].show_error(error.name, error.message)
        elif isinstance(error, ValidationError) and error.field == "lineItems":
            self.grid.show_error(error.message)
        else:
            show_refusal(self, error)
