"""Automatic numbers stay unique and gapless when many threads create invoices at once; two payments of what is
due, made at once, never both pass; an edit racing the send of a draft never changes the issued invoice (on either
backend)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial

from cleverinvo.core import Conflict, Status, ValidationError
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line


def test_fifty_invoices_from_eight_threads_are_distinct_and_gapless(books, client):
    def create(_: int) -> str:
        return books.invoices.create(invoice_body(client.id)).number

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(50)))
    assert sorted(numbers) == [f"INV-{n:04d}" for n in range(1, 51)]
    assert models.Invoice.select().count() == 50
    assert books.settings.get().next_number == 51


def test_concurrent_explicit_numbers_give_one_winner(books, client):
    from cleverinvo.core import Conflict

    def create(_: int) -> str:
        try:
            return books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042")).id
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(16)))
    assert results.count("conflict") == 15


def pay_twice_at_once(books, invoice_id: str, amount) -> list[str]:
    """Two threads pay ``amount`` on the invoice at the same moment; what each got."""
    together = threading.Barrier(2)
    outcomes: list[str] = []

    def pay() -> None:
        together.wait()
        try:
            books.invoices.record_payment(invoice_id, {"amount": amount})
            outcomes.append("paid")
        except ValidationError as exc:
            outcomes.append(exc.message)

    payers = [threading.Thread(target=pay) for _ in range(2)]
    for payer in payers:
        payer.start()
    for payer in payers:
        payer.join()
    return sorted(outcomes)


def test_two_payments_of_the_whole_amount_at_once_pay_it_once(books, client):
    """Each payment reads what is due with the invoice's row locked: on PostgreSQL both used to pass (paid twice)."""
    for _ in range(10):
        made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
        outcomes = pay_twice_at_once(books, made.id, made.total)
        after = books.invoices.get(made.id)
        assert (after.amount_paid, after.status, len(after.payments)) == (made.total, Status.PAID, 1), outcomes
        assert outcomes[-1] == "paid" and "must not exceed the amount due" in outcomes[0], outcomes


def at_once(*actions) -> list[str]:
    """Run the actions in threads of their own, started at the same moment; "ok" or the refusal of each."""
    together = threading.Barrier(len(actions))
    outcomes = ["?"] * len(actions)

    def run(index: int) -> None:
        together.wait()
        try:
            actions[index]()
            outcomes[index] = "ok"
        except Conflict as exc:
            outcomes[index] = exc.message

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_an_edit_racing_the_send_of_a_draft_comes_wholly_before_it_or_is_refused(books, client):
    """On PostgreSQL the edit used to be written after the issue: the issued invoice changed after its copy."""
    for _ in range(10):
        made = books.invoices.create(invoice_body(client.id))
        edited, sent = at_once(
            partial(books.invoices.update, made.id, {"lineItems": [line(quantity=1)]}),
            partial(books.invoices.mark_sent, made.id),
        )
        history = [e.type.value for e in books.invoices.events(made.id)]
        after = books.invoices.get(made.id)
        assert sent == "ok" and after.status == Status.SENT, sent
        if edited == "ok":
            assert history == ["created", "updated", "issued"] and after.total == Decimal("125.00"), history
        else:
            assert "Only DRAFT invoices can be modified" in edited and history == ["created", "issued"], edited
            assert after.total == made.total
