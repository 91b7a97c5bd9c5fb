"""The invoice editor: header fields, a line-item grid with live totals from the core, save with validation. The
quote and recurring-invoice editors are this editor with their own fields (``QuoteEditorScreen``,
``RecurringEditorScreen``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Select, Static

from cleverinvo.core import CleverInvoError, ValidationError
from cleverinvo.core.billing.lines import line_fields, preview_totals
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.i18n.locales import DocumentLocale
from cleverinvo.core.money import ZERO, currency
from cleverinvo.core.records import Account, Client, ClientRef, Invoice, Quote
from cleverinvo.tui.format import typed
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.dialogs import ClientPicker, ConfirmDialog, TaxCategoryDialog
from cleverinvo.tui.widgets.choices import languages
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import (
    ChoiceField,
    FormField,
    SelectField,
    for_people,
    form_values,
    show_refusal,
)
from cleverinvo.tui.widgets.lines import LINE_LABELS, NUMBER_FIELDS, LineGrid, LineRow
from cleverinvo.tui.widgets.totals import TotalsPanel

NO_CLIENT = "Choose… (Ctrl+L)"
# Details that may be cleared: a blank field saves as none.
CLEARABLE = ("buyerReference", "serviceDate", "servicePeriodStart", "servicePeriodEnd", "taxExemptionReason")
BY_THE_CLIENT = "Client's or account's"


def line_values(lines: list[dict[str, Any]], words: DocumentLocale) -> list[dict[str, str]]:
    """Lines as the core gives them (``lineItems`` of a body), as a person types them in the account's language.
    A tax category that is the core's default for the line's rate is left to it, so it follows the rate."""
    return [
        {
            "description": line["description"],
            **{key: typed(line[key], words) for key in NUMBER_FIELDS if line.get(key)},
            "taxCategory": chosen_category(line),
        }
        for line in lines
    ]


def chosen_category(line: dict[str, Any]) -> str:
    """The line's ``taxCategory`` when it is not what the core would give its rate anyway, else ``""``."""
    code = line.get("taxCategory")
    if not code or TaxCategory(code) == TaxCategory.default_for(line.get("taxRate") or ZERO):
        return ""
    return str(code)


def body_of(document: Invoice | Quote, number_key: str) -> dict[str, Any]:
    """The values of a saved invoice or quote that its editor shows, as the core's body names them."""
    start = {
        number_key: document.number,
        "currency": document.currency.code,
        "issueDate": document.issue_date,
        "notes": document.notes,
        "terms": document.terms,
        "language": document.language.value,
        "buyerReference": document.buyer_reference,
        "taxExemptionReason": document.tax_exemption_reason,
        "lineItems": [line_fields(li) for li in document.line_items],
    }
    if isinstance(document, Quote):
        return {**start, "validUntil": document.valid_until}
    return {
        **start,
        "dueDate": document.due_date,
        "serviceDate": document.service_date,
        "servicePeriodStart": document.service_period_start,
        "servicePeriodEnd": document.service_period_end,
    }


class InvoiceEditorScreen(CoreScreen[Invoice | None]):
    """Write a new invoice, or change a DRAFT. Dismisses with the saved invoice, or ``None`` when left unsaved.

    A subclass names what differs (its noun, its number and closing date, the field after the client, where the
    account's payment terms show) and how it is saved (``saving``, ``saved``)."""

    NOUN = "invoice"
    NUMBER_KEY = "invoiceNumber"
    END_KEY, END_LABEL = "dueDate", "Due"
    AFTER_CLIENT = "invoiceNumber"  # the field that takes the focus once a client is chosen
    TERMS_FIELD, TERMS_HINT = "dueDate", "in {days} days"  # where the account's payment terms show, and how
    SUPPLY = True  # it has a date or period of supply

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+n", "add_line", "Add line", id="add-line"),
        Binding("ctrl+r", "remove_line", "Drop line", id="remove-line"),
        Binding("alt+up", "move_line(-1)", "Move line", key_display="alt+↑↓", id="line-up"),
        Binding("alt+down", "move_line(1)", "Move line down", show=False, id="line-down"),
        Binding("ctrl+l", "pick_client", "Client", id="pick-client"),
        Binding("escape", "cancel", "Back", id="cancel-editor"),
        Binding("ctrl+g", "line_category", "Line tax category", id="line-category"),
    ]

    def __init__(
        self,
        invoice: Invoice | None = None,
        client: Client | None = None,
        copy: tuple[Invoice, dict[str, Any]] | None = None,
    ) -> None:
        """Edit ``invoice``; or write a new one, to ``client`` if given, or as a ``copy`` of an invoice (the
        source and the core's ``copy_of`` body), unsaved until Ctrl+S."""
        super().__init__()
        self.invoice = invoice
        self.client: Client | ClientRef | None = copy[0].client if copy else client
        self.start: dict[str, Any] = copy[1] if copy else body_of(invoice, self.NUMBER_KEY) if invoice else {}
        self.copied_from = copy[0].number if copy else None
        self.default_currency = self.start.get("currency", "")
        self.changed = copy is not None  # something was typed or chosen since the editor opened (a copy is new)

    @property
    def editing(self) -> object | None:
        """What is edited (``None`` for something new)."""
        return self.invoice

    def title_text(self) -> str:
        if self.invoice is not None:
            return f"Edit {self.invoice.number}"
        if self.copied_from is not None:
            return f"Copy of {self.copied_from} (not saved: it gets a number when saved)"
        return "New invoice"

    def compose(self) -> ComposeResult:
        start = self.start
        yield Header()
        yield Static(self.title_text(), classes="screen-title")
        with VerticalScroll(id="editor"):
            with Horizontal(classes="head-row"):
                yield ChoiceField("Client", "clientId", self.client_name())
                yield FormField("Number", self.NUMBER_KEY, start.get(self.NUMBER_KEY) or "", "automatic")
            with Horizontal(classes="head-row"):
                yield FormField("Currency", "currency", self.default_currency)
                issued, end = start.get("issueDate"), start.get(self.END_KEY)
                yield FormField("Issued", "issueDate", issued.isoformat() if issued else "", "today")
                yield FormField(self.END_LABEL, self.END_KEY, end.isoformat() if end else "", "by the terms")
            yield LineGrid(line_values(start.get("lineItems", []), self.shell.words))
            yield TotalsPanel(id="totals")
            yield from self.compose_details(start)
            yield FormField("Notes", "notes", start.get("notes") or "")
            yield FormField("Terms", "terms", start.get("terms") or "")
        yield KeysFooter()

    def client_name(self) -> str:
        """The client shown: the one chosen, else the edited invoice's (kept unless another is chosen)."""
        if self.client is not None:
            return self.client.name
        return self.invoice.client.name if self.invoice is not None else NO_CLIENT

    def compose_details(self, start: dict[str, Any]) -> ComposeResult:
        """The document's language, the buyer's reference, when the service was supplied (a date or a period;
        invoices only), and why lines carry no VAT."""

        def day(key: str) -> str:
            value = start.get(key)
            return value.isoformat() if value else ""

        language = start.get("language")
        yield Static("Details", classes="section-title")
        yield SelectField("Language", "language", languages(None if language else BY_THE_CLIENT), language or "")
        yield FormField(
            "Buyer ref.",
            "buyerReference",
            start.get("buyerReference") or "",
            "PO number or routing id",
            named="Buyer reference",
        )
        if self.SUPPLY:
            yield FormField("Service date", "serviceDate", day("serviceDate"), "YYYY-MM-DD, or a period below")
            yield FormField(
                "Service from",
                "servicePeriodStart",
                day("servicePeriodStart"),
                "YYYY-MM-DD",
                named="Service period start",
            )
            yield FormField(
                "Service to", "servicePeriodEnd", day("servicePeriodEnd"), "YYYY-MM-DD", named="Service period end"
            )
        yield FormField(
            "Tax exemption",
            "taxExemptionReason",
            start.get("taxExemptionReason") or "",
            "why lines carry no VAT (a line's tax category: Ctrl+G)",
            named="Tax exemption reason",
        )

    def on_mount(self) -> None:
        if self.invoice is None and self.copied_from is None:  # the account's defaults (a schedule's too)
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
        self.field(self.TERMS_FIELD).input.placeholder = self.TERMS_HINT.format(days=account.payment_terms_days)
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

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.has_focus:
            self.changed = True

    def update_totals(self) -> None:
        """The core's totals of the lines typed so far (lines without quantity and price wait)."""
        panel = self.query_one(TotalsPanel)
        rows = self.grid.rows
        priced = [row for row in rows if row.is_priced()]
        code = self.field("currency").value.strip() or self.default_currency
        words = self.shell.words
        for row in rows:
            row.show_amount("")
        read = [row.read(rows.index(row), self.shell.language) for row in priced]
        refused = [error for _body, errors in read for error in errors]
        try:
            if refused:
                raise refused[0]
            totals = preview_totals(code, [{**body, "description": "line"} for body, _errors in read])
        except CleverInvoError as error:
            panel.show_problem(for_people(error, LINE_LABELS) if isinstance(error, ValidationError) else error.message)
            return
        cur = currency(code)
        for row, line in zip(priced, totals.lines, strict=True):
            row.show_amount(words.money(line.amount, cur))
        panel.show(totals, cur, words)

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

    def action_line_category(self, row: LineRow | None = None) -> None:
        """Choose the tax category of the focused line (or of ``row``)."""
        row = row or self.focused_row()
        if row is None:
            self.notify("Go to a line first, then choose its tax category", severity="warning")
            return

        def chosen(code: str | None) -> None:
            if code is not None and code != row.category:
                self.changed = True
                row.choose_category(code)
                self.update_totals()
            row.control("taxCategory" if row.category else "taxRate").focus()

        self.app.push_screen(TaxCategoryDialog(self.grid.rows.index(row) + 1, row.category), chosen)

    def holds_unsaved_work(self) -> bool:
        return self.changed

    def action_cancel(self) -> None:
        """Back without saving; asks first when something was changed."""
        if not self.changed:
            self.dismiss(None)
            return
        question = f"Discard the changes to this {self.NOUN}?" if self.editing else f"Discard this new {self.NOUN}?"
        self.app.push_screen(ConfirmDialog(question), lambda yes: self.dismiss(None) if yes else None)

    # Client -------------------------------------------------------------------------------------------------

    def action_pick_client(self) -> None:
        self.app.push_screen(ClientPicker(), self.use_client)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "choice-clientId":
            self.action_pick_client()
        elif event.button.name == "taxCategory":
            self.action_line_category(self.grid.row_of(event.button))

    def use_client(self, choice: Client | str | None) -> None:
        if isinstance(choice, Client):
            self.changed = True
            self.client = choice
            self.query_one(ChoiceField).show_choice(choice.name)
            self.field(self.AFTER_CLIENT).input.focus()

    # Saving -------------------------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """The invoice as the core reads it. Blank fields are left out (the core's defaults apply)."""
        values = form_values([*self.query(FormField), *self.query(SelectField)])
        body: dict[str, Any] = {key: text for key, text in values.items() if text.strip()}
        body["notes"], body["terms"] = values["notes"], values["terms"]
        body.update({key: None for key in CLEARABLE if key in values and not values[key].strip()})
        if self.client is not None:
            body["clientId"] = self.client.id
        elif self.editing is None:
            body["clientId"] = None
        body["lineItems"] = self.read_lines()
        return body

    def read_lines(self) -> list[dict[str, Any]]:
        """The lines as the core reads them; ``NumbersRefused`` with every number typed that cannot be read."""
        read = [row.read(index, self.shell.language) for index, row in enumerate(self.grid.rows)]
        refused = [error for _line, errors in read for error in errors]
        if refused:
            raise NumbersRefused(refused)
        return [line for line, _errors in read]

    def action_save(self) -> None:
        try:
            body = self.body()
        except NumbersRefused as refused:
            self.show_line_errors(refused.errors)
            return
        except CleverInvoError as error:
            self.refused(error)
            return
        self.run_core(self.saving(body), self.saved, failed=self.refused, busy=self.query_one("#editor"))

    def saving(self, body: dict[str, Any]) -> Callable[[], Any]:
        """The core's call that saves ``body``: the invoice edited changed, else a new one made."""
        invoices, invoice = self.books.invoices, self.invoice
        return (lambda: invoices.update(invoice.id, body)) if invoice else (lambda: invoices.create(body))

    def saved(self, invoice: Any) -> None:
        self.notify(f"Saved {invoice.number}")
        self.dismiss(invoice)

    def show_line_errors(self, errors: list[ValidationError]) -> None:
        """Every number refused, each under its line in full, as a person reads it."""
        self.grid.show_error(None)
        rows = self.grid.rows
        for index, row in enumerate(rows):
            row.show_errors([(e.name, for_people(e, LINE_LABELS)) for e in errors if e.line == index])
        first = next((e.line for e in errors if e.line is not None), None)
        if first is not None:
            rows[first].show_errors([(e.name, for_people(e, LINE_LABELS)) for e in errors if e.line == first])

    def refused(self, error: CleverInvoError) -> None:
        """Show the refusal under its field: a line's field, the lines as a whole, or a header field."""
        self.grid.show_error(None)
        line = error.line if isinstance(error, ValidationError) else None
        if isinstance(error, ValidationError) and line is not None and line < len(self.grid.rows):
            self.show_line_errors([error])
        elif isinstance(error, ValidationError) and error.name == "lineItems":
            self.grid.show_error(for_people(error))
        else:
            show_refusal(self, error)


class NumbersRefused(Exception):
    """Numbers typed in the lines that could not be read; the core is not asked until they can."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__(f"{len(errors)} numbers refused")
        self.errors = errors
