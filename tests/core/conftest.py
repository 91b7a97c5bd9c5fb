"""Core fixtures: a client to write invoices to."""

import pytest

from cleverinvo.core import Books
from cleverinvo.core.records import Client


@pytest.fixture
def client(books: Books) -> Client:
    return books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
