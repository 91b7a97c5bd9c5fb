"""Document numbers: each document type has its own sequence (the account's prefix for it, the shared width,
its own counter), unique within the account and gapless."""

from dataclasses import dataclass

import peewee as pw

from cleverinvo.core.storage import models


@dataclass(frozen=True, slots=True)
class Sequence:
    """One document type's numbering: the table holding its numbers, and the account columns of its prefix and
    of its counter (the next number to give)."""

    table: type[models.BaseModel]
    prefix: pw.Field
    counter: pw.Field

    def format(self, account: models.Account, number: int) -> str:
        return format_number(getattr(account, self.prefix.name), account.number_width, number)


INVOICES = Sequence(models.Invoice, models.Account.number_prefix, models.Account.next_number)
QUOTES = Sequence(models.Quote, models.Account.quote_prefix, models.Account.next_quote_number)
CREDIT_NOTES = Sequence(models.CreditNote, models.Account.credit_note_prefix, models.Account.next_credit_note_number)


def format_number(prefix: str, width: int, number: int) -> str:
    """``INV-0042`` for prefix ``INV-``, width 4, number 42."""
    return f"{prefix}{number:0{width}d}"


def is_taken(account_id: str, number: str, sequence: Sequence = INVOICES) -> bool:
    table = sequence.table
    return table.select(table.id).where((table.account == account_id) & (table.number == number)).exists()


def allocate(account: models.Account, sequence: Sequence = INVOICES) -> str:
    """Inside the transaction that holds the account's lock: the next free number, and advance the counter.

    Numbers already taken by hand are stepped over; a rolled-back creation gives its number back, so the
    automatic sequence has no gaps.
    """
    counter = getattr(account, sequence.counter.name)
    while is_taken(account.id, candidate := sequence.format(account, counter), sequence):
        counter += 1
    _set_counter(account, sequence, counter + 1)
    return candidate


def give_back(account: models.Account, number: str, sequence: Sequence = INVOICES) -> None:
    """Inside the transaction that holds the account's lock and deleted the draft numbered ``number``: when it
    held the newest automatic number, the counter steps back so the next document takes it. An older number is
    not given back (numbers after it are out), and the counter never steps below a number still in use."""
    previous = getattr(account, sequence.counter.name) - 1
    if previous < 1 or number != sequence.format(account, previous) or is_taken(account.id, number, sequence):
        return
    _set_counter(account, sequence, previous)


def _set_counter(account: models.Account, sequence: Sequence, value: int) -> None:
    models.Account.update({sequence.counter: value}).where(models.Account.id == account.id).execute()
    setattr(account, sequence.counter.name, value)
