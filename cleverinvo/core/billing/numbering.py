"""Invoice numbers: the account's prefix and zero-padded counter, unique within the account and gapless."""

from cleverinvo.core.storage import models


def format_number(prefix: str, width: int, number: int) -> str:
    """``INV-0042`` for prefix ``INV-``, width 4, number 42."""
    return f"{prefix}{number:0{width}d}"


def is_taken(account_id: str, number: str) -> bool:
    return (
        models.Invoice.select(models.Invoice.id)
        .where((models.Invoice.account == account_id) & (models.Invoice.number == number))
        .exists()
    )


def allocate(account: models.Account) -> str:
    """Inside the transaction that holds the account's lock: the next free number, and advance the counter.

    Numbers already taken by hand are stepped over; a rolled-back creation gives its number back, so the
    automatic sequence has no gaps.
    """
    counter = account.next_number
    while is_taken(account.id, candidate := format_number(account.number_prefix, account.number_width, counter)):
        counter += 1
    models.Account.update(next_number=counter + 1).where(models.Account.id == account.id).execute()
    account.next_number = counter + 1
    return candidate


def give_back(account: models.Account, number: str) -> None:
    """Inside the transaction that holds the account's lock and deleted the draft numbered ``number``: when it
    held the newest automatic number, the counter steps back so the next invoice takes it. An older number is
    not given back (numbers after it are out), and the counter never steps below a number still in use."""
    previous = account.next_number - 1
    if previous < 1 or number != format_number(account.number_prefix, account.number_width, previous):
        return
    if is_taken(account.id, number):
        return
    models.Account.update(next_number=previous).where(models.Account.id == account.id).execute()
    account.next_number = previous
