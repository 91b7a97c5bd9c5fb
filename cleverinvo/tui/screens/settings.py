"""Settings: the seller profile printed on invoices, numbering, defaults; and the account's API keys."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from cleverinvo.core import ValidationError
from cleverinvo.core.i18n.numbers import parse_number
from cleverinvo.core.records import Account, ApiKeyInfo, NewApiKey
from cleverinvo.tui.format import moment
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.delivery import MailSettingsScreen
from cleverinvo.tui.screens.dialogs import ConfirmDialog, GuardedForm, KeyCreatedDialog, KeyLabelDialog
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import FormField, form_values, show_refusal
from cleverinvo.tui.widgets.tables import Col, FittedTable, cursor_key

# Section → (label, setting name) as the core names the settings.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "Seller profile (printed on every invoice)": (
        ("Name", "sellerName"),
        ("Address", "sellerAddress"),
        ("E-mail", "sellerEmail"),
        ("Tax ID", "sellerTaxId"),
        ("Phone", "sellerPhone"),
    ),
    "Numbering and defaults": (
        ("Prefix", "numberPrefix"),
        ("Width", "numberWidth"),
        ("Next number", "nextNumber"),
        ("Currency", "defaultCurrency"),
        ("Terms (days)", "paymentTermsDays"),
        ("Paper size", "paperSize"),
    ),
}
WHOLE_NUMBERS = ("numberWidth", "nextNumber", "paymentTermsDays")


def setting_values(account: Account) -> dict[str, str]:
    seller = account.seller
    return {
        "sellerName": seller.name or "",
        "sellerAddress": seller.address or "",
        "sellerEmail": seller.email or "",
        "sellerTaxId": seller.tax_id or "",
        "sellerPhone": seller.phone or "",
        "numberPrefix": account.number_prefix,
        "numberWidth": str(account.number_width),
        "nextNumber": str(account.next_number),
        "defaultCurrency": account.default_currency,
        "paymentTermsDays": str(account.payment_terms_days),
        "paperSize": account.paper_size.value,
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
                for label, name in fields:
                    yield FormField(label, name)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.run_core(self.books.settings.get, self.show, busy=self.query_one("#settings"))

    def show(self, account: Account) -> None:
        values = setting_values(account)
        for field in self.query(FormField):
            field.value = values[field.field]
        self.mark_saved()
        self.query(FormField).first().input.focus()

    def on_input_submitted(self) -> None:
        self.focus_next()

    def action_keys(self) -> None:
        self.app.push_screen(ApiKeysScreen())

    def action_mail(self) -> None:
        self.app.push_screen(MailSettingsScreen())

    def action_save(self) -> None:
        data: dict[str, Any] = dict(form_values(self.query(FormField)))
        try:
            for name in WHOLE_NUMBERS:
                data[name] = parse_number(data[name], self.shell.language, name)
        except ValidationError as error:
            show_refusal(self, error)
            return
        settings = self.books.settings
        self.run_core(
            lambda: settings.update(data),
            self.saved,
            failed=lambda error: show_refusal(self, error),
        )

    def saved(self, account: Account) -> None:
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
