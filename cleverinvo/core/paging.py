"""The rules every list shares: page ≥ 1, limit 1–100, search at most 255 characters."""

from dataclasses import dataclass

import peewee as pw

from cleverinvo.core.errors import ValidationError
from cleverinvo.core.storage.search import fold

MAX_LIMIT = 100
MAX_SEARCH = 255


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    limit: int
    search: str | None  # folded as the search column is; None when there is nothing to search for

    @classmethod
    def check(cls, page: int = 1, limit: int = 20, search: str | None = None) -> "Paging":
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ValidationError("Invalid query parameter: page must be an integer of at least 1", "page")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"Invalid query parameter: limit must be an integer from 1 to {MAX_LIMIT}", "limit")
        if search is not None and not isinstance(search, str):
            raise ValidationError("Invalid query parameter: search must be text", "search")
        if search is not None and any(ord(ch) < 32 or ch == "\x7f" for ch in search):
            raise ValidationError("Invalid query parameter: search must not contain control characters", "search")
        if search is not None and len(search) > MAX_SEARCH:
            raise ValidationError(f"Invalid query parameter: search must be at most {MAX_SEARCH} characters", "search")
        return cls(page=page, limit=limit, search=fold(search.strip()) or None if search else None)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def past_end(self, total: int) -> bool:
        """Whether this page lies past the last of ``total`` rows: then it is empty, however far past, and its
        offset is never sent to the database (a huge offset overflows SQL integers)."""
        return self.offset >= total

    def rows(self, query: pw.ModelSelect, total: int) -> pw.ModelSelect | tuple[()]:
        """This page of an ordered query that has ``total`` rows (none past the end)."""
        if self.past_end(total):
            return ()
        return query.paginate(self.page, self.limit)
