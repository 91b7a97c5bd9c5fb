"""Opening databases: the default location, WAL and foreign keys, migrating an older schema, refusing a newer."""

import sqlite3
from pathlib import Path

import peewee as pw
import pytest
from playhouse.migrate import SchemaMigrator, migrate

import cleverinvo.core
from cleverinvo.core import SchemaError
from cleverinvo.core.storage import db, models
from tests.conftest import new_database

V1_SQL = Path(__file__).parent / "data" / "schema_v1.sql"


def columns(database: pw.Database) -> dict[str, list[str]]:
    return {t: sorted(c.name for c in database.get_columns(t)) for t in sorted(database.get_tables())}


def indexes(database: pw.Database) -> list[tuple[str, str, tuple[str, ...], bool]]:
    return sorted(
        (i.table, i.name, tuple(i.columns), i.unique) for t in database.get_tables() for i in database.get_indexes(t)
    )


def build_version_1(target: str) -> None:
    """The schema as version 1 had it, built through peewee on any backend: today's tables, each later
    version's change undone."""
    database = db.connect(target)
    models.proxy.initialize(database)
    with database.atomic():
        later = (models.InvoicePdf, models.IdempotencyRecord)  # versions 2 and 3
        later += (models.ViewLink, models.MailTemplate, models.ReminderClaim)  # version 7
        later += (models.RecurringInvoice, models.RecurringRun)  # version 8
        later += (models.AccountLogo,)  # version 9
        later += (models.InvoiceEvent, models.IssuedCopy)  # version 12
        later += (models.Quote, models.QuoteLine, models.QuotePdf)  # version 13
        later += (models.CreditNote, models.CreditNoteLine, models.CreditNotePdf)  # version 14
        later += (models.Tally,)  # version 15
        later += (models.QuoteEvent, models.QuoteViewLink)  # version 16
        database.create_tables([m for m in models.MODELS if m not in later])
        migrator = SchemaMigrator.from_database(database)
        status_index = next(i.name for i in database.get_indexes("invoice") if "credited_minor" in i.columns)
        migrate(
            migrator.drop_column("account", "paper_size"),  # undo version 2 (versions 3, 4 and 7 added tables)
            migrator.drop_index("invoice", "invoice_account_id_client_id_created_at"),  # undo version 5
            migrator.add_index("invoice", ("account_id", "client_id"), False),
            migrator.drop_index("invoice", status_index),  # undo 6 and 14 (14 replaced 6's index)
            migrator.drop_column("invoice", "credited_minor"),  # undo 14
            migrator.drop_column("account", "next_credit_note_number"),  # undo 14
            migrator.drop_column("invoice", "recurring_id"),  # undo version 8 (with its two tables)
            *(migrator.drop_column(table, column) for table, column, _ in db.BUSINESS_DOCUMENT_COLUMNS),  # undo 9
            migrator.drop_column("account", "next_quote_number"),  # undo version 13
            migrator.drop_index("invoice", "invoice_quote_id"),
            migrator.drop_column("invoice", "quote_id"),
            migrator.drop_index("client", "client_account_id_is_active_created_at_id"),  # undo version 17
            migrator.add_index("client", ("account_id", "is_active", "created_at"), False),
        )
        models.SchemaVersion.create(version=1)
        database.execute_sql(
            "INSERT INTO account (id, name, plan, created_at, number_prefix, number_width, next_number, "
            "default_currency, payment_terms_days) VALUES ('a1', 'default', 'unlimited', '2024-01-01 00:00:00', "
            "'OLD-', 4, 7, 'EUR', 14)"
        )
        database.execute_sql(  # the search text as versions before 11 kept it: casefolded only
            "INSERT INTO client (id, account_id, name, email, search, is_active, created_at, updated_at) VALUES "
            "('c-lodz', 'a1', 'Łódź Studio', NULL, 'łódź studio', TRUE, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
        )
    database.close()


def test_an_older_schema_is_migrated_forward_keeping_its_data(db_target, tmp_path):
    build_version_1(db_target)
    opened = cleverinvo.core.open(db_target)
    account = opened.books().settings.get()
    assert (account.number_prefix, account.next_number, account.default_currency, account.paper_size.value) == (
        "OLD-",
        7,
        "EUR",
        "A4",
    )
    assert models.SchemaVersion.get().version == db.LATEST_VERSION
    assert [c.name for c in opened.books().clients.list(search="lodz").items] == ["Łódź Studio"]  # refilled
    migrated = columns(opened.database), indexes(opened.database)
    opened.close()
    fresh = cleverinvo.core.open(new_database(tmp_path, "fresh.db"))
    assert migrated == (columns(fresh.database), indexes(fresh.database))
    fresh.close()


def test_migrated_lines_are_zero_rated_at_0_percent_and_standard_otherwise(db_target):
    build_version_1(db_target)
    database = db.connect(db_target)
    with database.atomic():
        database.execute_sql(
            "INSERT INTO client (id, account_id, name, is_active, search, created_at, updated_at) "
            "VALUES ('c1', 'a1', 'Acme', true, 'acme', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
        )
        database.execute_sql(
            "INSERT INTO invoice (id, account_id, client_id, number, search, currency, issue_date, due_date, stage, "
            "sent_via_email, subtotal_minor, discount_minor, tax_minor, total_minor, paid_minor, version, created_at, "
            "updated_at) VALUES ('i1', 'a1', 'c1', 'OLD-0001', 'old-0001', 'EUR', '2024-01-01', '2024-01-15', "
            "'DRAFT', false, 300, 0, 19, 319, 0, 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
        )
        for position, rate in enumerate(("0.00", "19", "0", "0.5")):
            database.execute_sql(
                "INSERT INTO line_item (invoice_id, position, description, quantity, unit_price, tax_rate, "
                f"discount_rate, amount_minor, discount_minor) VALUES ('i1', {position}, 'Work', '1', '1', "
                f"'{rate}', '0', 100, 0)"
            )
    database.close()
    opened = cleverinvo.core.open(db_target)
    invoice = opened.books().invoices.get("i1")
    assert [li.tax_category.value for li in invoice.line_items] == ["Z", "S", "Z", "S"]
    assert (invoice.language.value, invoice.buyer_reference, invoice.service_date) == ("en", None, None)
    account = opened.books().settings.get()
    assert (account.credit_note_prefix, account.quote_prefix, account.reminder_days, account.e_invoice) == (
        "CN-",
        "QUO-",
        (),
        False,
    )
    opened.close()


def test_a_newer_schema_is_refused_clearly_and_left_alone(db_target):
    cleverinvo.core.open(db_target).close()
    models.SchemaVersion.update(version=db.LATEST_VERSION + 1).execute()
    models.proxy.obj.close()
    with pytest.raises(SchemaError) as err:
        cleverinvo.core.open(db_target)
    assert f"schema version {db.LATEST_VERSION + 1}" in err.value.message
    assert "Upgrade CleverInvo" in err.value.message
    assert models.SchemaVersion.get().version == db.LATEST_VERSION + 1
    assert models.Account.select().count() == 1


@pytest.mark.sqlite_only
def test_the_recorded_version_1_file_migrates_like_the_built_one(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SQL.read_text())
    built = tmp_path / "built.db"
    build_version_1(str(built))
    with sqlite3.connect(built) as conn:
        conn.executescript("DELETE FROM client; DELETE FROM account;")
    for target in (path, built):
        cleverinvo.core.open(target).close()
    recorded, rebuilt = pw.SqliteDatabase(str(path)), pw.SqliteDatabase(str(built))
    assert (columns(recorded), indexes(recorded)) == (columns(rebuilt), indexes(rebuilt))


@pytest.mark.sqlite_only
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
    assert db.resolve_target(None) == str(tmp_path / "xdg" / "cleverinvo" / "cleverinvo.db")
    opened = cleverinvo.core.open(f"sqlite:///{tmp_path / 'url.db'}")
    assert opened.books().account_name == "default"
    opened.close()


def test_passwords_are_kept_out_of_messages():
    assert db.redact("postgresql://app:s3cret@db.example/books") == "postgresql://app:***@db.example/books"
    assert db.redact("/home/me/books.db") == "/home/me/books.db"


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite" * 100)
    with pytest.raises(SchemaError):
        cleverinvo.core.open(path)
