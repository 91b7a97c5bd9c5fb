"""Fixtures shared by every test: a real SQLite file per test, opened through the public entry point."""

import decimal
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleverinvo.core
from cleverinvo.core import Books, CleverInvo

# Mixing floats into Decimal arithmetic raises everywhere in the test run, in every thread.
decimal.DefaultContext.traps[decimal.FloatOperation] = True
decimal.getcontext().traps[decimal.FloatOperation] = True


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "books.db"


@pytest.fixture
def ci(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CleverInvo]:
    monkeypatch.delenv("CLEVERINVO_DB", raising=False)
    opened = cleverinvo.core.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def books(ci: CleverInvo) -> Books:
    return ci.books()
