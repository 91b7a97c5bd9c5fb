"""The line-item grid of the invoice editor: one row of inputs per line, with the amount the core computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from cleverinvo.core import ValidationError
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.i18n.numbers import parse_number

# Line field (as the core names it) → column heading.
LINE_COLUMNS: dict[str, str] = {
    "description": "Description",
    "quantity": "Qty",
    "unitPrice": "Unit price",
    "taxRate": "Tax %",
    "discountRate": "Disc %",
}
# Line field → how messages name it ("Line 4: Quantity must be a number").
LINE_LABELS: dict[str, str] = {
    "description": "Description",
    "quantity": "Quantity",
    "unitPrice": "Unit price",
    "taxRate": "Tax rate",
    "discountRate": "Discount",
    "taxCategory": "Tax category",
}
NUMBER_FIELDS = ("quantity", "unitPrice", "taxRate", "discountRate")


def category_text(code: str) -> str:
    """A tax category as the line shows it: ``AE  reverse charge``."""
    category = TaxCategory(code)
    return f"{category.value}  {category.label}"


class LineRow(Vertical):
    """One line item: its inputs, its amount, under them its tax category when one is chosen (none: the core's
    default for the rate), and the message when the core refuses a value."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__(classes="line")
        self._initial = values or {}
        self.category = self._initial.get("taxCategory", "")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="line-row"):
            for key, heading in LINE_COLUMNS.items():
                yield Input(
                    self._initial.get(key, ""), placeholder=heading, compact=True, name=key, classes=f"col-{key}"
                )
            yield Static("", classes="col-amount")
        with Horizontal(classes="line-category"):
            yield Label(f"{LINE_LABELS['taxCategory']}:", classes="line-category-label")
            yield Button(category_text(self.category) if self.category else "", compact=True, name="taxCategory")
        yield Label("", classes="field-error")

    def on_mount(self) -> None:
        self.set_class(bool(self.category), "-categorised")

    def values(self) -> dict[str, str]:
        return {str(i.name): i.value for i in self.query(Input)}

    def input(self, key: str) -> Input:
        return next(i for i in self.query(Input) if i.name == key)

    def control(self, key: str) -> Widget:
        """The input of a field of the line, or the button of its tax category."""
        return self.query_one(Button) if key == "taxCategory" else self.input(key)

    def choose_category(self, code: str) -> None:
        """Give the line the tax category ``code``; ``""`` leaves it to the core's default for the rate."""
        self.category = code
        self.query_one(Button).label = category_text(code) if code else ""
        self.set_class(bool(code), "-categorised")
        if self.has_class("-invalid"):
            self.show_errors([])

    def read(self, index: int, language: str) -> tuple[dict[str, Any], list[ValidationError]]:
        """The line as the core reads it, numbers typed as ``language`` writes them made Decimals; and every
        number that could not be read (each names its field and this line)."""
        values = self.values()
        body: dict[str, Any] = {"description": values["description"]}
        if self.category:
            body["taxCategory"] = self.category
        refused: list[ValidationError] = []
        for key in NUMBER_FIELDS:
            if values[key].strip():
                try:
                    body[key] = parse_number(values[key], language, key, line=index)
                except ValidationError as error:
                    refused.append(error)
        return body, refused

    def is_priced(self) -> bool:
        """Whether quantity and unit price are typed, so the line can be counted in the live totals."""
        values = self.values()
        return bool(values["quantity"].strip() and values["unitPrice"].strip())

    def show_amount(self, text: str) -> None:
        self.query_one(".col-amount", Static).update(text)

    def show_errors(self, errors: Sequence[tuple[str | None, str]]) -> None:
        """Show every ``(field, message)`` refused on this line, each in full under the line, and focus the first
        field named; no errors clears them."""
        keys = {key for key, _message in errors}
        for control in (*self.query(Input), self.query_one(Button)):
            control.set_class(control.name in keys, "-refused")
        self.set_class(bool(errors), "-invalid")
        self.query_one(".field-error", Label).update("\n".join(message for _key, message in errors))
        first = next((key for key, _message in errors if key is not None), None)
        if first is not None:
            self.control(first).focus()

    def on_input_changed(self) -> None:
        if self.has_class("-invalid"):
            self.show_errors([])


class LineGrid(Vertical):
    """The lines, with a heading row; add, remove and move lines."""

    def __init__(self, lines: list[dict[str, str]]) -> None:
        super().__init__(id="lines")
        self._initial = lines

    def compose(self) -> ComposeResult:
        with Horizontal(classes="line-row line-heading"):
            for key, heading in LINE_COLUMNS.items():
                yield Label(heading, classes=f"col-{key}")
            yield Label("Amount", classes="col-amount")
        with Vertical(id="line-rows"):
            for values in self._initial or [{}]:
                yield LineRow(values)
        yield Label("", classes="field-error", id="lines-error")

    @property
    def rows(self) -> list[LineRow]:
        return list(self.query_one("#line-rows").query_children(LineRow))

    def row_of(self, widget: Any) -> LineRow | None:
        """The line holding ``widget`` (e.g. the focused input)."""
        for node in widget.ancestors_with_self if widget is not None else ():
            if isinstance(node, LineRow):
                return node
        return None

    async def add_line(self) -> LineRow:
        row = LineRow()
        await self.query_one("#line-rows").mount(row)
        row.input("description").focus()
        return row

    async def remove_line(self, row: LineRow) -> None:
        rows = self.rows
        index = rows.index(row)
        await row.remove()
        remaining = self.rows
        if remaining:
            remaining[min(index, len(remaining) - 1)].input("description").focus()

    def move_line(self, row: LineRow, step: int) -> None:
        rows = self.rows
        index = rows.index(row) + step
        if 0 <= index < len(rows):
            container = self.query_one("#line-rows")
            if step < 0:
                container.move_child(row, before=rows[index])
            else:
                container.move_child(row, after=rows[index])

    def show_error(self, message: str | None) -> None:
        self.query_one("#lines-error", Label).update(message or "")
        self.set_class(message is not None, "-invalid")
