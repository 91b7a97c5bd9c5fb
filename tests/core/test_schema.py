"""Opening databases: the default location, WAL and foreign keys, migrating an older schema, refusing a newer."""

import sqlite3
from pathlib import Path

import pytest

import cleverinvo.core
from cleverinvo.core import SchemaError, db, models

V1_SQL = Path(__file__).parent / "data" / "schema_v1.sql"


def columns(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}


def test_pragmas_wal_foreign_keys_busy_timeout(ci):
    pragma = ci.database.execute_sql
    assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
    assert pragma("PRAGMA busy_timeout").fetchone()[0] > 0


def test_target_from_environment_or_default_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEVERINVO_DB", str(tmp_path / "env.db"))
    assert db.resolve_target(None) == str(tmp_path / "env.db")
    assert db.resolve_target(tmp_path / "arg.db") == str(tmp_path / "arg.db")
    monkeypatch.delenv("CLEVERINVO_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert db.resolve_target(None).endswith("cleverinvo.db")
    opened = cleverinvo.core.open(f"sqlite:///{tmp_path / 'url.db'}")
    assert opened.books().account_name == "default"
    opened.close()


def test_an_older_schema_is_migrated_forward_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SQL.read_text())
        conn.execute(
            "INSERT INTO account (id, name, plan, created_at, number_prefix, number_width, next_number, "
            "default_currency, payment_terms_days) VALUES ('a1', 'default', 'unlimited', '2024-01-01 00:00:00', "
            "'OLD-', 4, 7, 'EUR', 14)"
        )
    opened = cleverinvo.core.open(path)
    account = opened.books().settings.get()
    assert (account.number_prefix, account.next_number, account.default_currency, account.paper_size.value) == (
        "OLD-",
        7,
        "EUR",
        "A4",
    )
    assert models.SchemaVersion.get().version == db.LATEST_VERSION
    opened.close()
    fresh = tmp_path / "fresh.db"
    cleverinvo.core.open(fresh).close()
    assert columns(path) == columns(fresh)


def test_a_newer_schema_is_refused_clearly_and_left_alone(tmp_path):
    path = tmp_path / "future.db"
    cleverinvo.core.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (db.LATEST_VERSION + 1,))
    before = path.read_bytes()
    with pytest.raises(SchemaError) as err:
        cleverinvo.core.open(path)
    assert f"schema version {db.LATEST_VERSION + 1}" in err.value.message
    assert "Upgrade CleverInvo" in err.value.message
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == db.LATEST_VERSION + 1
    assert len(path.read_bytes()) == len(before)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite" * 100)
    with pytest.raises(SchemaError):
        cleverinvo.core.open(path)
