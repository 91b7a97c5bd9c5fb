"""The money block of an invoice: subtotal, discount, tax per rate, total (and paid and due once sent)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from rich.table import Table
from textual.widgets import Static

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import TaxLine
from cleverinvo.core.i18n.locales import DocumentLocale
from cleverinvo.core.money import Currency
from cleverinvo.tui.format import rate


class HasTotals(Protocol):
    """What both the core's live ``Totals`` and a saved ``Invoice`` carry."""

    @property
    def subtotal(self) -> Decimal: ...
    @property
    def discount_total(self) -> Decimal: ...
    @property
    def taxes(self) -> Sequence[TaxLine]: ...
    @property
    def total(self) -> Decimal: ...


def kind(tax: TaxLine) -> str:
    """What sets a tax group apart beyond its rate: nothing for the standard rate, else its category
    (`` zero rated``, `` reverse charge``), so two 0 % groups are told apart."""
    return "" if tax.category is TaxCategory.STANDARD else f" {tax.category.label}"


class TotalsPanel(Static):
    """Figures computed by the core, right-aligned; or why they cannot be computed yet."""

    def show(
        self, totals: HasTotals, cur: Currency, words: DocumentLocale, extra: Sequence[tuple[str, Decimal]] = ()
    ) -> None:
        money = words.money
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right")
        table.add_column(justify="right", min_width=14)
        table.add_row("Subtotal", money(totals.subtotal, cur))
        table.add_row("Discount", money(totals.discount_total, cur))
        for tax in totals.taxes:
            table.add_row(f"Tax {rate(tax.rate, words)}{kind(tax)} on {money(tax.base, cur)}", money(tax.tax, cur))
        table.add_row("[b]Total[/b]", f"[b]{money(totals.total, cur)}[/b]")
        for label, value in extra:
            table.add_row(label, money(value, cur))
        self.update(table)

    def show_problem(self, message: str) -> None:
        self.update(f"[dim]Totals once the lines are valid: {message}[/dim]")
