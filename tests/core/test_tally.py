"""The counts lists show as ``total`` are kept by the database (storage/tally.py) and never drift: after a random
workload through the library, and after rows changed behind its back, they equal ``COUNT``."""

import random

from cleverinvo.core import CleverInvoError
from cleverinvo.core.storage import models, tally
from cleverinvo.core.storage.db import transaction
from tests.core.helpers import invoice_body


def counted(account_id: str) -> tuple[int, int, int]:
    clients = models.Client.select().where(models.Client.account == account_id)
    return (
        clients.where(models.Client.is_active == True).count(),  # noqa: E712
        clients.where(models.Client.is_active == False).count(),  # noqa: E712
        models.Invoice.select().where(models.Invoice.account == account_id).count(),
    )


def kept(account_id: str) -> tuple[int, int, int]:
    return tally.of(account_id)


def test_counts_equal_count_after_a_random_workload(ci):
    rng = random.Random(11)
    ci.accounts.create("second")
    everyone = [ci.books(), ci.books("second")]
    clients: dict[str, list[str]] = {b.account_id: [] for b in everyone}
    invoices: dict[str, list[str]] = {b.account_id: [] for b in everyone}
    for step in range(300):
        books = rng.choice(everyone)
        mine, theirs = clients[books.account_id], invoices[books.account_id]
        action = rng.choice(["client", "client", "archive", "restore", "invoice", "invoice", "delete", "send", "pay"])
        try:
            if action == "client" or not mine:
                mine.append(books.clients.create({"name": f"Client {step}"}).id)
            elif action == "archive":
                books.clients.archive(rng.choice(mine))
            elif action == "restore":
                books.clients.restore(rng.choice(mine))
            elif action == "invoice":
                theirs.append(books.invoices.create(invoice_body(rng.choice(mine))).id)
            elif theirs and action == "delete":
                victim = rng.choice(theirs)
                books.invoices.delete(victim)
                theirs.remove(victim)
            elif theirs and action == "send":
                books.invoices.mark_sent(rng.choice(theirs))
            elif theirs and action == "pay":
                books.invoices.record_payment(rng.choice(theirs), {"amount": "1.00"})
        except CleverInvoError:
            pass  # a refusal (archived client, sent invoice, ...) changes nothing, counts included
        if step % 50 == 0:
            for b in everyone:
                assert kept(b.account_id) == counted(b.account_id)
    for b in everyone:
        assert kept(b.account_id) == counted(b.account_id)
        assert b.clients.list().total == counted(b.account_id)[0]
        assert b.clients.list(active=False).total == counted(b.account_id)[1]
        assert b.invoices.list().total == counted(b.account_id)[2]
    assert sum(kept(b.account_id)[2] for b in everyone) > 0


def test_counts_follow_rows_changed_behind_the_librarys_back(ci, books, client):
    made = books.invoices.create(invoice_body(client.id))
    with transaction():
        models.Client.update(is_active=False).where(models.Client.id == client.id).execute()
        models.Invoice.delete().where(models.Invoice.id == made.id).execute()
    assert kept(books.account_id) == counted(books.account_id) == (0, 1, 0)


def test_a_rolled_back_change_leaves_the_counts_alone(ci, books, client):
    try:
        with transaction():
            books.invoices.create(invoice_body(client.id))
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert kept(books.account_id) == counted(books.account_id) == (1, 0, 0)
