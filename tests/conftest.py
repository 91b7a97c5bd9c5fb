"""Fixtures shared by every test: a real database per test, opened through the public entry point.

By default each test gets its own SQLite file. With ``CLEVERINVO_TEST_POSTGRES`` set to an admin URL of a
PostgreSQL server (``postgresql://postgres@127.0.0.1:5433/postgres``), each test gets a fresh database there.
"""

import decimal
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleverinvo.core
from cleverinvo.core import Books, CleverInvo
from tests.mail import mail_server, smtp_env  # noqa: F401  (fixtures: a real SMTP server on loopback)

# Mixing floats into Decimal arithmetic raises everywhere in the test run, in every thread.
decimal.DefaultContext.traps[decimal.FloatOperation] = True
decimal.getcontext().traps[decimal.FloatOperation] = True

POSTGRES_ADMIN = os.environ.get("CLEVERINVO_TEST_POSTGRES")
ROOT = Path(__file__).resolve().parents[1]
_created: list[str] = []


def new_database(tmp_path: Path, name: str = "books.db") -> str:
    """A target no other test uses: a SQLite file in ``tmp_path``, or a new PostgreSQL database."""
    if not POSTGRES_ADMIN:
        return str(tmp_path / name)
    database = f"t_{secrets.token_hex(6)}"
    _admin(f'CREATE DATABASE "{database}"')
    _created.append(database)
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}"


def _admin(*statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(POSTGRES_ADMIN)
    conn.autocommit = True
    try:
        for statement in statements:
            conn.cursor().execute(statement)
    finally:
        conn.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if POSTGRES_ADMIN and _created:
        _admin(*(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)' for database in _created))


# Test modules whose subject runs no SQL of its own (lint, formatting and parsing of numbers, the PDF and XML
# renderers, the terminal UI, which reaches the books only through the core that the core and server tests run
# on both backends, the HTTP protocol guards): the PostgreSQL run leaves them to the SQLite run, which keeps CI
# within its time. Every module of the core and the server that reads or writes the books runs on both backends.
BACKEND_NEUTRAL = frozenset(
    {
        "tests/test_lint.py",
        "tests/test_import_hygiene.py",
        "tests/test_readme.py",
        "tests/core/test_i18n.py",
        "tests/core/test_numbers.py",
        "tests/core/test_money.py",
        "tests/core/test_pdf_document.py",
        "tests/core/test_pdf_borb.py",
        "tests/einvoice/test_syntaxes.py",
        "tests/server/test_openapi_lint.py",
        "tests/server/test_connections.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_ADMIN:
        sqlite_only = pytest.mark.skip(reason="SQLite-specific: this run is against PostgreSQL")
        neutral = pytest.mark.skip(reason="runs no SQL of its own: covered by the SQLite run")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(sqlite_only)
            elif (where := Path(item.fspath).relative_to(ROOT).as_posix()) in BACKEND_NEUTRAL or where.startswith(
                "tests/tui/"
            ):
                item.add_marker(neutral)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite file, for tests about SQLite itself or about what is written to disk."""
    return tmp_path / "books.db"


@pytest.fixture
def db_target(tmp_path: Path) -> str:
    """The database under test: a SQLite file, or a PostgreSQL database in the PostgreSQL run."""
    return new_database(tmp_path)


@pytest.fixture
def ci(db_target: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CleverInvo]:
    monkeypatch.delenv("CLEVERINVO_DB", raising=False)
    opened = cleverinvo.core.open(db_target)
    yield opened
    opened.close()


@pytest.fixture
def books(ci: CleverInvo) -> Books:
    return ci.books()
