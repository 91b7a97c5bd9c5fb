"""Settings: the seller profile printed on invoices, numbering, defaults; and the account's API keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from cleverinvo.core import TooLarge, ValidationError, logos
from cleverinvo.core.i18n.numbers import parse_number
from cleverinvo.core.records import Account, ApiKeyInfo, Logo, NewApiKey, PaperSize
from cleverinvo.tui.format import moment
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.delivery import MailSettingsScreen
from cleverinvo.tui.screens.dialogs import ConfirmDialog, GuardedForm, KeyCreatedDialog, KeyLabelDialog
from cleverinvo.tui.widgets.choices import countries, currencies, languages
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import (
    FieldBox,
    FormField,
    SelectField,
    SwitchField,
    TextField,
    form_values,
    show_refusal,
)
from cleverinvo.tui.widgets.tables import Col, FittedTable, cursor_key

# The kinds of field a setting is edited in.
TEXT, LINES, CHOICE, SWITCH = "text", "lines", "choice", "switch"
# Section → (label, setting name as the core names it, kind of field).
SECTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Seller profile (printed on every invoice)": (
        ("Name", "sellerName", TEXT),
        ("Address", "sellerAddress", LINES),
        ("Postal code", "sellerPostalCode", TEXT),
        ("City", "sellerCity", TEXT),
        ("Country", "sellerCountry", CHOICE),
        ("E-mail", "sellerEmail", TEXT),
        ("Phone", "sellerPhone", TEXT),
        ("VAT ID", "sellerTaxId", TEXT),
        ("Register", "sellerRegistration", TEXT),
        ("Logo file", "logo", TEXT),
    ),
    "Bank (printed with a QR code on EUR invoices)": (
        ("IBAN", "iban", TEXT),
        ("BIC", "bic", TEXT),
        ("Bank", "bankName", TEXT),
    ),
    "Numbering": (
        ("Prefix", "numberPrefix", TEXT),
        ("Width", "numberWidth", TEXT),
        ("Next number", "nextNumber", TEXT),
        ("Credit notes", "creditNotePrefix", TEXT),
        ("Quotes", "quotePrefix", TEXT),
    ),
    "New invoices and documents": (
        ("Currency", "defaultCurrency", CHOICE),
        ("Terms (days)", "paymentTermsDays", TEXT),
        ("Notes", "defaultNotes", LINES),
        ("Terms", "defaultTerms", LINES),
        ("Language", "language", CHOICE),
        ("Paper size", "paperSize", CHOICE),
        ("E-invoice", "eInvoice", SWITCH),
    ),
}
WHOLE_NUMBERS = ("numberWidth", "nextNumber", "paymentTermsDays")


def choices(name: str) -> list[tuple[str, str]]:
    """The (shown, value) options of a choice-list setting."""
    if name == "sellerCountry":
        return countries()
    if name == "defaultCurrency":
        return currencies()
    if name == "language":
        return languages()
    return [(size.value, size.value) for size in PaperSize]


def setting_values(account: Account) -> dict[str, str | bool]:
    """What each field shows for ``account``."""
    seller, bank = account.seller, account.bank
    return {
        "sellerName": seller.name or "",
        "sellerAddress": seller.address or "",
        "sellerPostalCode": seller.postal_code or "",
        "sellerCity": seller.city or "",
        "sellerCountry": seller.country or "",
        "sellerEmail": seller.email or "",
        "sellerPhone": seller.phone or "",
        "sellerTaxId": seller.tax_id or "",
        "sellerRegistration": seller.registration or "",
        "logo": "",
        "iban": bank.iban or "",
        "bic": bank.bic or "",
        "bankName": bank.bank_name or "",
        "numberPrefix": account.number_prefix,
        "numberWidth": str(account.number_width),
        "nextNumber": str(account.next_number),
        "creditNotePrefix": account.credit_note_prefix,
        "quotePrefix": account.quote_prefix,
        "defaultCurrency": account.default_currency,
        "paymentTermsDays": str(account.payment_terms_days),
        "defaultNotes": account.default_notes or "",
        "defaultTerms": account.default_terms or "",
        "language": account.language.value,
        "paperSize": account.paper_size.value,
        "eInvoice": account.e_invoice,
    }


def read_logo(path: str) -> bytes:
    """The file a person named as the logo, or a ``ValidationError`` on the logo field saying why not."""
    file = Path(path).expanduser()
    try:
        if file.stat().st_size > logos.MAX_BYTES:
            raise TooLarge(f"Invalid logo: {file.name} is larger than {logos.MAX_BYTES // 1024} KiB", "logo")
        return file.read_bytes()
    except OSError as error:
        raise ValidationError(f"Invalid logo: cannot read {file}: {error.strerror}", "logo") from None


def field_for(label: str, name: str, kind: str) -> FieldBox:
    if kind == LINES:
        lines = TextField(label, name)
        lines.add_class("-short")
        return lines
    if kind == CHOICE:
        options = choices(name)
        return SelectField(label, name, options, options[0][1])
    if kind == SWITCH:
        return SwitchField(label, name)
    return FormField(label, name, placeholder=PLACEHOLDERS.get(name, ""))


PLACEHOLDERS = {
    "logo": "path to a PNG or JPEG file (at most 512 KiB)",
    "iban": "e.g. DE89 3704 0044 0532 0130 00",
}


FIRST_RUN = (
    "Welcome! Who issues your invoices? Fill in at least your name (it is printed on every invoice), then press Ctrl+S."
)


class SettingsScreen(GuardedForm[bool]):
    """The account's settings. On the first run (``first_run``) it opens before the first invoice and closes
    with ``True`` once the seller has a name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save-settings"),
        Binding("ctrl+o", "keys", "API keys", id="api-keys"),
        Binding("ctrl+g", "mail", "E-mail", id="mail-settings"),
        Binding("ctrl+l", "remove_logo", "Remove logo", id="remove-logo"),
    ]

    def __init__(self, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Settings", classes="screen-title")
        if self.first_run:
            yield Static(FIRST_RUN, id="first-run", classes="hint")
        with VerticalScroll(id="settings"):
            for section, fields in SECTIONS.items():
                yield Static(section, classes="section-title")
                for label, name, kind in fields:
                    yield field_for(label, name, kind)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.run_core(self.load, self.show, busy=self.query_one("#settings"))

    def load(self) -> tuple[Account, Logo | None]:
        return self.books.settings.get(), self.books.settings.logo()

    def show(self, loaded: tuple[Account, Logo | None]) -> None:
        account, logo = loaded
        values = setting_values(account)
        for field in self.query(FieldBox):
            if isinstance(field, FormField | SelectField | SwitchField):
                field.value = values[field.field]  # type: ignore[assignment]
        self.show_logo(logo)
        self.mark_saved()
        self.query(FormField).first().input.focus()

    def on_input_submitted(self) -> None:
        self.focus_next()

    def action_keys(self) -> None:
        self.app.push_screen(ApiKeysScreen())

    def action_mail(self) -> None:
        self.app.push_screen(MailSettingsScreen())

    def show_logo(self, logo: Logo | None) -> None:
        shown = f"now: {logo.width}×{logo.height} {logo.media_type.split('/')[1].upper()}" if logo else "now: none"
        logo_field = self.query_one("#field-logo", FormField)
        logo_field.value = ""
        logo_field.input.placeholder = f"{PLACEHOLDERS['logo']}; {shown}"

    def action_save(self) -> None:
        data: dict[str, Any] = dict(form_values([*self.query(FormField), *self.query(SelectField)]))
        data.update({f.field: f.value for f in self.query(SwitchField)})
        logo_path = data.pop("logo").strip()
        try:
            for name in WHOLE_NUMBERS:
                data[name] = parse_number(data[name], self.shell.language, name)
            logo = read_logo(logo_path) if logo_path else None
        except ValidationError as error:
            show_refusal(self, error)
            return
        settings = self.books.settings

        def save() -> tuple[Account, Logo | None]:
            if logo is not None:
                logos.reencode(logo)  # refused before anything changes
            account = settings.update(data)
            return account, settings.set_logo(logo) if logo is not None else settings.logo()

        self.run_core(save, self.saved, failed=lambda error: show_refusal(self, error))

    def action_remove_logo(self) -> None:
        settings = self.books.settings
        self.run_core(settings.remove_logo, lambda _: self.removed())

    def removed(self) -> None:
        self.show_logo(None)
        self.notify("Logo removed")

    def saved(self, loaded: tuple[Account, Logo | None]) -> None:
        account, logo = loaded
        self.show_logo(logo)
        self.mark_saved()
        self.shell.use_account(account)
        self.notify("Settings saved")
        if self.first_run and account.seller.name:
            self.dismiss(True)


KEY_COLUMNS = (
    Col("Key"),
    Col("Label", gives_way=2, minimum=8, grows=True),
    Col("Created", gives_way=3, minimum=16),
    Col("Last used", gives_way=1, minimum=16),
    Col("State"),
)


class ApiKeysScreen(CoreScreen[None]):
    """The account's API keys: create one (shown in full once), revoke one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New key", id="new-key"),
        Binding("r", "revoke", "Revoke", id="revoke-key"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, ApiKeyInfo] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("API keys for the HTTP API (Authorization: Bearer <key>)", classes="screen-title")
        yield FittedTable(KEY_COLUMNS, cursor_type="row", zebra_stripes=True, id="keys")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.run_core(self.books.keys.list, self.show, busy=self.query_one(DataTable), group="load")

    def show(self, keys: list[ApiKeyInfo]) -> None:
        self.keys = {k.id: k for k in keys}
        rows = [
            (
                key.id,
                (
                    f"{key.prefix}…",
                    key.label or "",
                    moment(key.created_at),
                    moment(key.last_used_at),
                    "active" if key.is_active else "revoked",
                ),
            )
            for key in keys
        ]
        self.query_one("#keys", FittedTable).show_rows(rows)
        self.refresh_bindings()

    @property
    def selected(self) -> ApiKeyInfo | None:
        return self.keys.get(cursor_key(self.query_one(DataTable)) or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "revoke":
            key = self.selected
            return (key is not None and key.is_active) or None
        return True

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_new(self) -> None:
        self.app.push_screen(KeyLabelDialog(), self.created)

    def created(self, created: NewApiKey | None) -> None:
        if created is not None:
            self.app.push_screen(KeyCreatedDialog(created))

    def action_revoke(self) -> None:
        key = self.selected
        if key is not None and key.is_active:
            self.app.push_screen(
                ConfirmDialog(f"Revoke the key {key.prefix}…? Programs using it stop working."),
                lambda yes: self.revoke(key) if yes else None,
            )

    def revoke(self, key: ApiKeyInfo) -> None:
        keys = self.books.keys
        self.run_core(lambda: keys.revoke(key.id), self.revoked)

    def revoked(self, key: ApiKeyInfo) -> None:
        self.notify(f"Revoked {key.prefix}…")
        self.reload()
