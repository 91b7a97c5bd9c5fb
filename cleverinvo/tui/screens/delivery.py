"""E-mailing from the TUI: the send dialog (recipients, subject and message prefilled and editable), and the mail
settings (the SMTP URL saved in config.toml, a test message, the wording of the e-mails)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label, Select, Static, TextArea

from cleverinvo.core.delivery.config import MailSettings, mail_settings, save_smtp_url
from cleverinvo.core.delivery.messages import PLACEHOLDERS, Kind, MailTemplate
from cleverinvo.core.delivery.reminders import read_days
from cleverinvo.core.delivery.sending import Draft
from cleverinvo.core.i18n.catalogs import LANGUAGES, SOURCE_LANGUAGE
from cleverinvo.core.records import Account, Invoice, Quote
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.dialogs import FormDialog
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import FormField, TextField, show_refusal


def addresses(typed: str) -> list[str]:
    """Addresses typed with commas, semicolons or spaces between them."""
    return [part for part in typed.replace(";", ",").replace(" ", ",").split(",") if part]


class EmailDialog(FormDialog):
    """E-mail an invoice (issuing a draft) or a quote (sending a draft); dismisses with the document as sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Send", id="submit"),
        Binding("escape", "dismiss(None)", "Cancel", id="cancel"),
    ]

    def __init__(self, document: Invoice | Quote, draft: Draft, kind: Kind = Kind.INVOICE) -> None:
        super().__init__()
        self.document = document
        self.draft = draft
        self.kind = kind
        self.TITLE_TEXT = f"E-mail the {'quote' if kind is Kind.QUOTE else 'invoice'}"

    def explain(self) -> str:
        what = "Issues and sends" if self.kind is Kind.INVOICE and self.document.view_token is None else "Sends"
        return f"{what} {self.document.number} with its PDF; {{link}} is its view link."

    def fields(self) -> list[FormField]:
        return [
            FormField("To", "to", ", ".join(self.draft.to), placeholder="client@example.com"),
            FormField("Cc", "cc", placeholder="optional"),
            FormField("Subject", "subject", self.draft.subject),
            TextField("Message", "message", self.draft.message),
        ]

    def action_submit(self) -> None:
        delivery, document_id, kind = self.books.delivery, self.document.id, self.kind

        def send(values: dict[str, str]) -> Invoice | Quote:
            return delivery.send(
                document_id,
                {
                    "viaEmail": True,
                    "to": addresses(values["to"]),
                    "cc": addresses(values["cc"]),
                    "subject": values["subject"],
                    "message": values["message"],
                },
                kind,
            )

        self.submit(send)


class MailCheckDialog(FormDialog):
    """Send a test message through the configured mail server; dismisses with the address it went to."""

    TITLE_TEXT = "Send a test message"

    def __init__(self, to: str) -> None:
        super().__init__()
        self.to = to

    def explain(self) -> str:
        return "Through the mail server of your settings, to:"

    def fields(self) -> list[FormField]:
        return [FormField("To", "to", self.to)]

    def action_submit(self) -> None:
        delivery = self.books.delivery
        self.submit(lambda values: delivery.test_message(values["to"]))


PLACES = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class MailSettingsScreen(CoreScreen[None]):
    """Where mail goes out (the SMTP URL, kept in config.toml, never in the database), a test message, the
    reminder days, and the wording of the e-mails in each language."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save-mail"),
        Binding("ctrl+n", "test", "Test message", id="test-mail"),
        Binding("ctrl+r", "reset_wording", "Built-in wording", id="reset-wording"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded: MailTemplate | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("E-mail settings", classes="screen-title")
        with VerticalScroll(id="mail-settings"):
            yield Static("Mail server (saved in your config.toml, readable by you alone)", classes="section-title")
            yield FormField("SMTP URL", "smtpUrl", placeholder="smtp://user:password@host:587")
            yield Static("", id="smtp-note", classes="hint")
            yield FormField("Reminder days", "reminderDays", placeholder="days after the due date, e.g. 3, 14, 30")
            yield Static("Wording of the e-mails", classes="section-title")
            yield Static(f"Placeholders: {PLACES}", classes="hint")
            with Horizontal(classes="field-row", id="wording-choice"):
                yield Label("Language", classes="field-label")
                yield Select(
                    ((name, name) for name in LANGUAGES),
                    value=SOURCE_LANGUAGE,
                    allow_blank=False,
                    compact=True,
                    id="wording-language",
                )
                yield Label(" E-mail", classes="field-label")
                yield Select(
                    (("Invoice", Kind.INVOICE.value), ("Reminder", Kind.REMINDER.value), ("Quote", Kind.QUOTE.value)),
                    value=Kind.INVOICE.value,
                    allow_blank=False,
                    compact=True,
                    id="wording-kind",
                )
            yield FormField("Subject", "subject")
            yield TextField("Body", "body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#input-smtpUrl").focus()
        self.run_core(mail_settings, self.show_server, busy=self.query_one("#mail-settings"))
        self.run_core(self.books.settings.get, self.show_reminders)
        self.load_wording()

    def show_server(self, settings: MailSettings) -> None:
        self.query_one("#input-smtpUrl", Input).value = settings.saved_url or ""
        if settings.from_environment:
            note = f"CLEVERINVO_SMTP_URL is set ({settings.in_force}) and is used instead of this."
        elif settings.in_force:
            note = f"In use: {settings.in_force}"
        else:
            note = "No mail server yet: invoices and quotes cannot be e-mailed."
        self.query_one("#smtp-note", Static).update(note)

    def show_reminders(self, account: Account) -> None:
        self.query_one("#input-reminderDays", Input).value = ", ".join(str(day) for day in account.reminder_days)

    def wording_choice(self) -> tuple[str, str]:
        language = self.query_one("#wording-language", Select).value
        kind = self.query_one("#wording-kind", Select).value
        return str(language), str(kind)

    def on_select_changed(self) -> None:
        self.load_wording()

    def load_wording(self) -> None:
        templates = self.books.delivery.templates
        language, kind = self.wording_choice()
        self.run_core(lambda: templates.get(language, kind), self.show_wording, group="wording")

    def show_wording(self, template: MailTemplate) -> None:
        self.loaded = template
        self.query_one("#input-subject", Input).value = template.subject
        self.query_one("#input-body", TextArea).text = template.body

    def action_save(self) -> None:
        url = self.query_one("#input-smtpUrl", Input).value
        subject = self.query_one("#input-subject", Input).value
        body = self.query_one("#input-body", TextArea).text
        days = self.query_one("#input-reminderDays", Input).value
        templates, loaded, settings = self.books.delivery.templates, self.loaded, self.books.settings

        def save() -> MailSettings:
            reminder_days = read_days(days)  # refused before anything is saved
            save_smtp_url(url)
            settings.update({"reminderDays": reminder_days})
            if loaded is not None and (subject, body) != (loaded.subject, loaded.body):
                templates.set(loaded.language, loaded.kind, {"subject": subject, "body": body})
            return mail_settings()

        def saved(settings: MailSettings) -> None:
            self.show_server(settings)
            self.load_wording()
            self.notify("E-mail settings saved")

        self.run_core(save, saved, failed=lambda error: show_refusal(self, error))

    def action_test(self) -> None:
        settings = self.books.settings
        self.run_core(
            settings.get, lambda account: self.app.push_screen(MailCheckDialog(account.seller.email or ""), self.tested)
        )

    def tested(self, to: str | None) -> None:
        if to is not None:
            self.notify(f"Test message sent to {to}")

    def action_reset_wording(self) -> None:
        templates = self.books.delivery.templates
        language, kind = self.wording_choice()
        self.run_core(lambda: templates.reset(language, kind), self.show_wording)
