"""Dialogs over the screens: confirm, pick a client, choose a line's tax category, record a payment, credit an
invoice, export a PDF, create and show an API key."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from cleverinvo.core import CleverInvoError
from cleverinvo.core.billing.export import CannotWrite, FileExists
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.i18n.numbers import parse_number
from cleverinvo.core.records import Client, CreditNote, Invoice, NewApiKey, Page, Payment
from cleverinvo.tui import places
from cleverinvo.tui.format import typed
from cleverinvo.tui.screens.base import CoreModal, CoreScreen, ScreenResult
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import FormField, form_values, show_refusal

ALL_CLIENTS = "all"


class ConfirmDialog(CoreModal[bool]):
    """A yes/no question; ``True`` when confirmed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="yes"),
        Binding("n,escape", "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question)
            yield Label("[b]y[/b] yes   [b]n[/b] no", classes="hint")
        yield KeysFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ClientPicker(CoreModal["Client | str | None"]):
    """Choose an active client by typing part of its name or e-mail. When ``allow_all``, "All clients" heads the
    list until something is typed, and gives ``ALL_CLIENTS``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]
    LIMIT = 50

    def __init__(self, allow_all: bool = False) -> None:
        super().__init__()
        self.allow_all = allow_all
        self.clients: dict[str, Client] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Label("Choose a client (type to search, Enter to pick)")
            yield Input(placeholder="Name or e-mail", compact=True, id="picker-search")
            yield OptionList(id="picker-options")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.search("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        clients = self.books.clients
        self.run_core(lambda: clients.list(1, self.LIMIT, text or None), partial(self.show, text), group="search")

    def show(self, text: str, page: Page[Client]) -> None:
        self.clients = {c.id: c for c in page.items}
        options = self.query_one(OptionList)
        options.clear_options()
        if self.allow_all and not text:
            options.add_option(Option("All clients", id=ALL_CLIENTS))
        options.add_options(Option(f"{c.name}  [dim]{c.email or ''}[/dim]", id=c.id) for c in page.items)
        options.highlighted = 0 if options.option_count else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def on_input_submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.choose(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, option_id: str | None) -> None:
        if option_id == ALL_CLIENTS:
            self.dismiss(ALL_CLIENTS)
        elif option_id in self.clients:
            self.dismiss(self.clients[option_id])


BY_THE_RATE = "by-rate"


class TaxCategoryDialog(CoreModal["str | None"]):
    """Choose the tax category of a line among the core's: a category's code, ``""`` to leave it to the core's
    default for the line's rate, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel", id="cancel")]

    def __init__(self, line: int, chosen: str) -> None:
        """``line`` counts from 1; ``chosen`` is the line's category now (``""``: by the rate)."""
        super().__init__()
        self.line = line
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        options = [Option("By the tax rate: S when above 0, else Z", id=BY_THE_RATE)]
        for category in TaxCategory:
            needs = "[dim]rate 0 and a reason[/dim]" if category.needs_exemption_reason else ""
            options.append(Option(f"{category.value:<3} {category.label:<25}{needs}", id=category.value))
        with Vertical(classes="dialog", id="category-dialog"):
            yield Label(f"Tax category of line {self.line}", classes="dialog-title")
            yield OptionList(*options, id="category-options")
            yield Label("The reason goes in the invoice's Tax exemption field", classes="hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(self.chosen or BY_THE_RATE)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss("" if event.option.id == BY_THE_RATE else event.option.id)


class GuardedForm(CoreScreen[ScreenResult]):
    """A form screen that asks before Escape throws away what was typed and not saved."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back", id="leave-form")]

    def __init__(self) -> None:
        super().__init__()
        self.saved_values: dict[str, str] = {}

    def mark_saved(self) -> None:
        """What the fields hold now is what is saved (after loading or saving)."""
        self.saved_values = form_values(self.query(FormField))

    def unsaved(self) -> bool:
        return form_values(self.query(FormField)) != self.saved_values

    def holds_unsaved_work(self) -> bool:
        return self.unsaved()

    def action_leave(self) -> None:
        if not self.unsaved():
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog("Discard the changes you have not saved?"),
            lambda yes: self.dismiss(None) if yes else None,
        )


class FormDialog(CoreModal[Any]):
    """A small form in a dialog: Enter or Ctrl+S submits it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="cancel"),
    ]
    TITLE_TEXT = ""

    def fields(self) -> list[FormField]:
        raise NotImplementedError

    def explain(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="form-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            if self.explain():
                yield Static(self.explain(), classes="hint")
            yield from self.fields()
            yield from self.extra()
        yield KeysFooter()

    def extra(self) -> list[Widget]:
        """Widgets below the fields (none by default)."""
        return []

    def on_mount(self) -> None:
        self.query_one(FormField).input.focus()

    def on_input_submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        raise NotImplementedError

    def submit(self, job: Callable[[dict[str, str]], object]) -> None:
        """Run ``job(values)`` in a worker; dismiss with its result, or show the refusal beside the field."""
        values = form_values(self.query(FormField))
        self.run_core(
            lambda: job(values),
            self.dismiss,
            failed=lambda error: show_refusal(self, error),
            busy=self.query_one("#form-dialog"),
        )


class PaymentDialog(FormDialog):
    """Record a payment against an invoice; dismisses with the ``Payment``."""

    TITLE_TEXT = "Record a payment"

    def __init__(self, invoice: Invoice) -> None:
        super().__init__()
        self.invoice = invoice

    def explain(self) -> str:
        return f"{self.invoice.number}: {self.shell.words.money(self.invoice.amount_due, self.invoice.currency)} due"

    def fields(self) -> list[FormField]:
        return [
            FormField("Amount", "amount", typed(self.invoice.amount_due, self.shell.words)),
            FormField("Date", "date", placeholder="today (YYYY-MM-DD)"),
            FormField("Method", "method", placeholder="bank transfer, card…"),
            FormField("Note", "note"),
        ]

    def action_submit(self) -> None:
        invoices = self.books.invoices
        invoice_id = self.invoice.id
        language = self.shell.language

        def record(values: dict[str, str]) -> Payment:
            body: dict[str, Any] = {k: v for k, v in values.items() if v.strip()}
            if "amount" in body:
                body["amount"] = parse_number(body["amount"], language, "amount")
            return invoices.record_payment(invoice_id, body)

        self.submit(record)


class CreditNoteDialog(FormDialog):
    """Credit an issued invoice: everything not yet credited (every line ticked) or the ticked lines, with a
    reason; dismisses with the ``CreditNote``."""

    TITLE_TEXT = "Credit note"

    def __init__(self, invoice: Invoice) -> None:
        super().__init__()
        self.invoice = invoice

    def explain(self) -> str:
        left = self.shell.words.money(self.invoice.amount_to_credit, self.invoice.currency)
        return f"{self.invoice.number}: {left} left to credit. Untick lines (Tab, Space) to credit only some."

    def fields(self) -> list[FormField]:
        return [FormField("Reason", "reason", placeholder="why the invoice is corrected")]

    def extra(self) -> list[Widget]:
        words, cur = self.shell.words, self.invoice.currency
        choices = [
            (f"{li.description[:40]}  {words.money(li.net, cur)}", index, True)
            for index, li in enumerate(self.invoice.line_items)
        ]
        return [SelectionList[int](*choices, id="credit-lines")]

    def action_submit(self) -> None:
        notes = self.books.credit_notes
        invoice = self.invoice
        chosen = sorted(self.query_one("#credit-lines", SelectionList).selected)

        def credit(values: dict[str, str]) -> CreditNote:
            body: dict[str, Any] = {"reason": values["reason"]}
            if len(chosen) != len(invoice.line_items):
                body["lineItems"] = [
                    {
                        "description": li.description,
                        "quantity": li.quantity,
                        "unitPrice": li.unit_price,
                        "taxRate": li.tax_rate,
                        "discountRate": li.discount_rate,
                        "taxCategory": li.tax_category.value,
                    }
                    for li in (invoice.line_items[i] for i in chosen)
                ]
            return notes.create(invoice.id, body)

        self.submit(credit)


def default_export_folder() -> Path:
    """``~/Downloads`` when it exists, else the current folder."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class ExportDialog(FormDialog):
    """Export an invoice's PDF to a file, asking before replacing one; dismisses with the path written.

    The folder proposed is the one this account exported to last.
    """

    TITLE_TEXT = "Export PDF"

    def __init__(self, invoice: Invoice) -> None:
        super().__init__()
        self.invoice = invoice

    def explain(self) -> str:
        return "The file to write (a path ending in / is a folder, made if missing):"

    def fields(self) -> list[FormField]:
        folder = places.last_export_folder(self.books.account_name) or default_export_folder()
        return [FormField("Save as", "path", str(folder / f"{self.invoice.number}.pdf"))]

    def action_submit(self, overwrite: bool = False) -> None:
        documents = self.books.documents
        invoice_id = self.invoice.id
        chosen = form_values(self.query(FormField))["path"].strip() or f"{default_export_folder()}/"
        self.run_core(
            lambda: documents.export(invoice_id, chosen, overwrite=overwrite),
            self.written,
            failed=self.refused,
            busy=self.query_one("#form-dialog"),
        )

    def written(self, path: Path) -> None:
        places.remember_export_folder(self.books.account_name, path.parent)
        self.dismiss(path)

    def refused(self, error: CleverInvoError) -> None:
        if isinstance(error, FileExists):
            self.app.push_screen(
                ConfirmDialog(f"{error.path} already exists. Replace it?"),
                lambda yes: self.action_submit(overwrite=True) if yes else None,
            )
        elif isinstance(error, CannotWrite):
            box = self.query_one("#field-path", FormField)
            box.show_error(error.message)
            box.focus_control()
        else:
            show_refusal(self, error)


class KeyLabelDialog(FormDialog):
    """Name a new API key, then create it; dismisses with the ``NewApiKey``."""

    TITLE_TEXT = "New API key"

    def explain(self) -> str:
        return "A label helps you recognise the key later (optional)."

    def fields(self) -> list[FormField]:
        return [FormField("Label", "label", placeholder="e.g. shop integration")]

    def action_submit(self) -> None:
        keys = self.books.keys
        self.submit(lambda values: keys.create(values["label"].strip() or None))


class KeyCreatedDialog(CoreModal[None]):
    """The new key in full, shown this once, with a copy action."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy key", id="copy"),
        Binding("escape,enter", "dismiss(None)", "Done", id="done"),
    ]

    def __init__(self, created: NewApiKey) -> None:
        super().__init__()
        self.created = created

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="key-created"):
            yield Label("Your new API key. It is shown only this once: copy it now.")
            with Horizontal(classes="key-row"):
                yield Static(self.created.key, id="new-key")
            yield Label("[b]c[/b] copy to clipboard   [b]Enter[/b] done", classes="hint")
        yield KeysFooter()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.created.key)
        self.notify("Key copied to the clipboard")
