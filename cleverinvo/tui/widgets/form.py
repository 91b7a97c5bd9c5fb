"""Labelled fields that show the core's validation message beside them, keeping what was typed."""

from collections.abc import Iterable, Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Switch, TextArea

from cleverinvo.core import CleverInvoError, ValidationError


class FieldBox(Vertical):
    """A field the core knows by name (``field``): a label, a control, and under them the refusal, if any."""

    def __init__(self, label: str, field: str, named: str | None = None) -> None:
        """``named`` is how messages name the field when its ``label`` is too short to (``to`` of a period)."""
        super().__init__(id=f"field-{field}", classes="form-field")
        self.field = field
        self.label = label
        self.named = named or label

    def control(self) -> Widget:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield self.control()
        yield Label("", classes="field-error")

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the field (``None`` clears it); what was typed stays as it is."""
        self.set_class(message is not None, "-invalid")
        self.query_one(".field-error", Label).update(message or "")

    def focus_control(self) -> None:
        self.query_one(".field-row").children[1].focus()


class FormField(FieldBox):
    """A one-line text input."""

    def __init__(
        self, label: str, field: str, value: str = "", placeholder: str = "", named: str | None = None
    ) -> None:
        super().__init__(label, field, named)
        self._initial = value
        self._placeholder = placeholder

    def control(self) -> Widget:
        return Input(self._initial, placeholder=self._placeholder, compact=True, id=f"input-{self.field}")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def on_input_changed(self) -> None:
        self.show_error(None)


class TextField(FormField):
    """A text of several lines, such as a message or an address's street lines (a form's values include it like
    any field). The class ``-short`` makes it four lines high."""

    DEFAULT_CSS = """
    TextField .text-row { height: auto; }
    TextField TextArea { width: 1fr; height: 8; }
    MailSettingsScreen TextField TextArea { height: 9; }
    TextField.-short TextArea { height: 4; }
    """

    def control(self) -> Widget:
        return TextArea(self._initial, soft_wrap=True, compact=True, id=f"input-{self.field}")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="text-row"):
            yield Label(self.label, classes="field-label")
            yield self.control()
        yield Label("", classes="field-error")

    def focus_control(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def value(self) -> str:
        return self.query_one(TextArea).text

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(TextArea).text = text

    def on_text_area_changed(self) -> None:
        self.show_error(None)


class SwitchField(FieldBox):
    """On or off."""

    DEFAULT_CSS = """
    SwitchField .field-row { height: auto; }
    """

    def control(self) -> Widget:
        return Switch(id=f"switch-{self.field}")

    @property
    def value(self) -> bool:
        return self.query_one(Switch).value

    @value.setter
    def value(self, on: bool) -> None:
        self.query_one(Switch).value = on


class ChoiceField(FieldBox):
    """A value chosen in a dialog: a button showing the choice; Enter opens the dialog."""

    def __init__(self, label: str, field: str, shown: str) -> None:
        super().__init__(label, field)
        self._shown = shown

    def control(self) -> Widget:
        return Button(self._shown, compact=True, id=f"choice-{self.field}")

    def show_choice(self, shown: str) -> None:
        self.query_one(Button).label = shown
        self.show_error(None)


class SelectField(FieldBox):
    """A choice from a short, fixed list (``options`` as (shown, value) pairs), shown as a drop-down."""

    def __init__(self, label: str, field: str, options: Sequence[tuple[str, str]], value: str | None = None) -> None:
        super().__init__(label, field)
        self._options = options
        self._initial = value

    def control(self) -> Widget:
        initial = self._initial if self._initial is not None else Select.NULL
        return Select(
            self._options, value=initial, allow_blank=self._initial is None, compact=True, id=f"select-{self.field}"
        )

    @property
    def value(self) -> str:
        chosen = self.query_one(Select).value
        return "" if chosen is Select.NULL else str(chosen)

    @value.setter
    def value(self, chosen: str) -> None:
        self.query_one(Select).value = chosen

    def on_select_changed(self) -> None:
        self.show_error(None)


def form_values(fields: Iterable[FormField | SelectField]) -> dict[str, str]:
    """What is typed in each field, by the core's field name."""
    return {f.field: f.value for f in fields}


# How messages name the core's fields when no field on the screen carries a label for them.
FIELD_LABELS: dict[str, str] = {
    "clientId": "Client",
    "invoiceNumber": "Number",
    "currency": "Currency",
    "issueDate": "Issue date",
    "dueDate": "Due date",
    "lineItems": "Lines",
    "notes": "Notes",
    "terms": "Terms",
    "language": "Language",
    "buyerReference": "Buyer reference",
    "serviceDate": "Service date",
    "servicePeriodStart": "Service period start",
    "servicePeriodEnd": "Service period end",
    "taxExemptionReason": "Tax exemption reason",
    "name": "Name",
    "email": "E-mail",
    "amount": "Amount",
    "date": "Date",
    "method": "Method",
    "note": "Note",
    "search": "Search",
}


def for_people(error: CleverInvoError, labels: Mapping[str, str] = FIELD_LABELS) -> str:
    """The refusal as a person reads it: the field's label, the line counted from 1, never an API field path
    (``Line 4: Quantity must be a number`` for ``Invalid field: lineItems[3].quantity must be a number``)."""
    if not isinstance(error, ValidationError) or error.name is None or error.problem == error.message:
        return error.message
    label = labels.get(error.name) or FIELD_LABELS.get(error.name) or error.name
    said = f"{label} {error.problem}"
    return f"Line {error.line + 1}: {said}" if error.line is not None else said


def show_field_error(root: Widget, error: ValidationError) -> bool:
    """Show a validation error in full under its field under ``root`` and focus it; ``False`` when no field
    matches."""
    for box in root.query(FieldBox):
        if box.field == error.name and error.line is None:
            box.show_error(for_people(error, {box.field: box.named}))
            box.focus_control()
            box.call_after_refresh(box.scroll_visible, animate=False)  # the message under the field too
            return True
    return False


def show_refusal(root: Widget, error: CleverInvoError) -> None:
    """A refusal from the core: under its field when there is one under ``root``, else as a notification."""
    if not (isinstance(error, ValidationError) and show_field_error(root, error)):
        root.notify(for_people(error), severity="error")
