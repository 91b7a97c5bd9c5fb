"""Core fixtures: books whose seller profile is filled in (invoices cannot be issued without a seller name), and a
client to write invoices to."""

import pytest

from cleverinvo.core import Books, CleverInvo
from cleverinvo.core.records import Client


@pytest.fixture
def books(ci: CleverInvo) -> Books:
    opened = ci.books()
    opened.settings.update({"sellerName": "Zoë Ørsted Design"})
    return opened


@pytest.fixture
def client(books: Books) -> Client:
    return books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
