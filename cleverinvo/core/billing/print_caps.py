"""What one document may print: a bound on the lines of a description and on the lines of the whole document, so
that no invoice costs a render more than a few seconds (each printed line is work for the PDF writer).

Printed lines are estimated from the text alone, the same way at create and at update: each line of the text
(a line break starts a new one) counts once per ``WRAP_CHARS`` characters, as the layout wraps long lines.
"""

import math
from collections.abc import Iterable

from cleverinvo.core.errors import ValidationError

MAX_DESCRIPTION_LINES = 20  # lines of one line item's description, as typed (line breaks + 1)
MAX_PRINTED_LINES = 2000  # estimated printed lines of a whole document: descriptions, notes and terms
WRAP_CHARS = 60  # characters of a printed line, a little under what the narrowest column holds


def printed_lines(text: str | None) -> int:
    """About how many lines ``text`` takes on paper."""
    if not text:
        return 0
    return sum(max(1, math.ceil(len(line) / WRAP_CHARS)) for line in text.splitlines())


def check_description(description: str, field: str) -> None:
    """Refuse a description of more than ``MAX_DESCRIPTION_LINES`` lines."""
    if len(description.splitlines()) > MAX_DESCRIPTION_LINES:
        raise ValidationError(f"Invalid field: {field} must be at most {MAX_DESCRIPTION_LINES} lines", field)


def check_document(descriptions: Iterable[str], notes: str | None, terms: str | None) -> None:
    """Refuse a document that would print more than ``MAX_PRINTED_LINES`` lines."""
    total = sum(printed_lines(d) for d in descriptions) + printed_lines(notes) + printed_lines(terms)
    if total > MAX_PRINTED_LINES:
        raise ValidationError(
            f"Invalid field: lineItems, notes and terms would print about {total:,} lines; "
            f"a document may print at most {MAX_PRINTED_LINES:,}",
            "lineItems",
        )
