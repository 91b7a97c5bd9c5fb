"""Export an issued invoice in the format its reader needs: the PDF, a Factur-X PDF, or EN 16931 XML (CII, UBL)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Label, RadioButton, RadioSet, Static

from cleverinvo.tui.screens.dialogs import ExportDialog, default_export_folder
from cleverinvo.tui.widgets.form import FormField, form_values

PDF = "pdf"
# Each choice: its id, what a person reads, the file's suffix.
FORMATS = (
    (PDF, "PDF", ".pdf"),
    ("facturx", "Factur-X PDF (PDF/A-3 with the EN 16931 XML inside)", ".pdf"),
    ("cii", "XML: CII (Factur-X / ZUGFeRD, XRechnung CII)", ".xml"),
    ("ubl", "XML: UBL (Peppol BIS Billing 3.0)", ".xml"),
)


class FormatExportDialog(ExportDialog):
    """The export of an issued invoice: a format, then a file. Typing starts in the file field, so Enter saves
    the PDF as for a draft. When seller or client data that EN 16931 needs is missing, a notification names
    each business term and nothing is written."""

    TITLE_TEXT = "Export"

    def explain(self) -> str:
        return "Shift+Tab, arrows and Space choose the format; then the file (a path ending in / is a folder):"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="form-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            yield Static(self.explain(), classes="hint")
            with RadioSet(id="export-format"):
                for index, (key, label, _suffix) in enumerate(FORMATS):
                    yield RadioButton(label, value=index == 0, id=f"format-{key}")
            yield from self.fields()
        yield Footer(compact=True)

    @property
    def chosen(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("format-") if pressed and pressed.id else PDF

    def on_radio_set_changed(self, _event: RadioSet.Changed) -> None:
        """Keep the file name's suffix in step with the format."""
        field = self.query_one(FormField)
        suffix = next(suffix for key, _label, suffix in FORMATS if key == self.chosen)
        path = Path(field.value.strip())
        if path.suffix.lower() in (".xml", ".pdf"):
            field.value = str(path.with_suffix(suffix))

    def action_submit(self, overwrite: bool = False) -> None:
        kind = self.chosen
        if kind == PDF:
            super().action_submit(overwrite)
            return
        einvoices, invoice_id = self.books.einvoices, self.invoice.id
        chosen = form_values(self.query(FormField))["path"].strip() or f"{default_export_folder()}/"
        self.run_core(
            lambda: einvoices.export(invoice_id, kind, chosen, overwrite=overwrite),
            self.written,
            failed=self.refused,
            busy=self.query_one("#form-dialog"),
        )
