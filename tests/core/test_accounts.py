"""Accounts: isolation between tenants, plan limits that refuse and change nothing, settings."""

from decimal import Decimal

import pytest

from cleverinvo.core import Conflict, LimitReached, NotFound, Plan, ValidationError
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body


def test_a_fresh_database_has_the_default_account_on_unlimited(ci):
    (account,) = ci.accounts.list()
    assert (account.name, account.plan, account.default_currency, account.number_prefix) == (
        "default",
        Plan.UNLIMITED,
        "USD",
        "INV-",
    )


def test_accounts_are_unique_and_named_sensibly(ci):
    ci.accounts.create("shop", "free")
    with pytest.raises(Conflict):
        ci.accounts.create("shop")
    with pytest.raises(ValidationError):
        ci.accounts.create("no spaces please")
    with pytest.raises(ValidationError):
        ci.accounts.create("x", "gold")
    with pytest.raises(NotFound):
        ci.books("nobody")


def test_another_account_can_neither_read_nor_change_nor_list_anything(ci, books, client):
    invoice = books.invoices.create(invoice_body(client.id))
    key = books.keys.create("mine")
    intruder = ci.books(ci.accounts.create("intruder").name)
    attempts = [
        lambda: intruder.clients.get(client.id),
        lambda: intruder.clients.update(client.id, {"name": "pwned"}),
        lambda: intruder.clients.archive(client.id),
        lambda: intruder.invoices.get(invoice.id),
        lambda: intruder.invoices.update(invoice.id, {"notes": "pwned"}),
        lambda: intruder.invoices.delete(invoice.id),
        lambda: intruder.invoices.mark_sent(invoice.id),
        lambda: intruder.invoices.duplicate(invoice.id),
        lambda: intruder.invoices.record_payment(invoice.id, {"amount": Decimal(1)}),
        lambda: intruder.keys.revoke(key.info.id),
        lambda: intruder.keys.revoke(key.info.prefix),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(ValidationError):
        intruder.invoices.create(invoice_body(client.id))
    assert intruder.clients.list(active=None).total == 0
    assert intruder.invoices.list().total == 0
    assert intruder.invoices.list(client_id=client.id).total == 0
    assert intruder.invoices.list(search="acme").total == 0
    assert intruder.keys.list() == []
    assert intruder.dashboard().owed == {} and intruder.dashboard().recent == ()
    assert books.clients.get(client.id) == client
    assert books.invoices.get(invoice.id) == invoice
    assert books.keys.list()[0].is_active


def test_free_plan_refuses_the_sixth_client_and_changes_nothing(ci):
    free = ci.books(ci.accounts.create("tiny", Plan.FREE).name)
    made = [free.clients.create({"name": f"Client {n}"}) for n in range(5)]
    with pytest.raises(LimitReached) as err:
        free.clients.create({"name": "Client 6"})
    assert "5 active clients" in err.value.message
    assert free.clients.list(active=None).total == 5
    free.clients.archive(made[0].id)
    free.clients.create({"name": "Client 6"})
    with pytest.raises(LimitReached):
        free.clients.restore(made[0].id)
    assert free.clients.get(made[0].id).is_active is False


def test_free_plan_refuses_the_21st_invoice_of_the_month_even_after_deletions(ci):
    free = ci.books(ci.accounts.create("tiny", Plan.FREE).name)
    client = free.clients.create({"name": "Acme"})
    made = [free.invoices.create(invoice_body(client.id)) for _ in range(20)]
    free.invoices.delete(made[0].id)
    with pytest.raises(LimitReached):
        free.invoices.create(invoice_body(client.id))
    assert free.invoices.list().total == 19
    assert free.settings.get().next_number == 21
    ci.accounts.set_plan("tiny", Plan.PRO)
    assert free.invoices.create(invoice_body(client.id)).number == "INV-0021"


def test_settings_update_only_what_is_given_and_validate(books):
    changed = books.settings.update(
        {"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@studio.example", "paperSize": "Letter"}
    )
    assert (changed.seller.name, changed.seller.email, changed.paper_size.value) == (
        "Zoë Ørsted",
        "zoe@studio.example",
        "Letter",
    )
    assert changed.number_prefix == "INV-"
    for bad in (
        {"numberWidth": 0},
        {"defaultCurrency": "XXX"},
        {"paperSize": "A3"},
        {"sellerEmail": "x"},
        {"plan": "pro"},
    ):
        with pytest.raises(ValidationError):
            books.settings.update(bad)
    assert books.settings.get() == changed
    assert models.Account.select().count() == 1
