"""The entry point of the library: ``open()`` a database, then work in an account's ``Books``."""

import datetime as dt
import os
import threading

import peewee as pw

from cleverinvo.core import accounts
from cleverinvo.core.access import keys, ratelimit
from cleverinvo.core.access.keys import CachedKey, Keys
from cleverinvo.core.accounts import DEFAULT_ACCOUNT, Accounts, Settings
from cleverinvo.core.billing import events, reports
from cleverinvo.core.billing.credit_notes import CreditNotes
from cleverinvo.core.billing.documents import Documents
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.quotes import Quotes
from cleverinvo.core.clients import Clients
from cleverinvo.core.delivery import reminders
from cleverinvo.core.delivery.config import mail_config
from cleverinvo.core.delivery.reminders import Reminded
from cleverinvo.core.delivery.sending import Delivery
from cleverinvo.core.delivery.viewing import ViewPages
from cleverinvo.core.einvoice.einvoices import EInvoices
from cleverinvo.core.records import Account, ApiKeyInfo, Dashboard, KeyIdentity
from cleverinvo.core.schedule import recurring
from cleverinvo.core.schedule.recurring import Occurrence, RecurringInvoices
from cleverinvo.core.storage.db import open_database, resolve_target, transaction
from cleverinvo.core.turns import TakingTurns

POSTGRES_THREADS = 4  # database threads per process on PostgreSQL (one connection each)


class Books:
    """Everything one account owns: its clients, invoices, quotes, API keys and settings, and its documents (PDFs
    and e-invoices), worked on by ``actor`` (who the invoices' history names: an API key's first 12 characters,
    ``tui``, ``cli`` or ``system``)."""

    def __init__(self, account: Account, actor: str = events.SYSTEM) -> None:
        self.account_id = account.id
        self.account_name = account.name
        self.actor = actor
        self.clients = Clients(account.id)
        self.invoices = Invoices(account.id, actor)
        self.quotes = Quotes(account.id, actor)
        self.credit_notes = CreditNotes(account.id, actor)
        self.keys = Keys(account.id)
        self.settings = Settings(account.id)
        self.documents = Documents(account.id)
        self.delivery = Delivery(account.id, actor)
        self.recurring = RecurringInvoices(account.id)
        self.einvoices = EInvoices(account.id)

    def dashboard(self, client_id: str | None = None) -> Dashboard:
        """Owed, overdue and paid this month per currency, counts per status, the latest invoices."""
        return reports.dashboard(self.account_id, client_id=client_id)


class CleverInvo:
    """An open CleverInvo database. One is open per process at a time."""

    def __init__(self, database: pw.Database, target: str) -> None:
        self.database = database
        self.target = target  # the path or URL it was opened from, for other processes to open it too
        self.accounts = Accounts()
        self.view_pages = ViewPages()
        self._books: dict[str, Books] = {}
        self._books_lock = threading.Lock()
        self._executor: TakingTurns | None = None
        with transaction():
            self.accounts.get_or_create(DEFAULT_ACCOUNT)

    @property
    def executor(self) -> TakingTurns:
        """The threads a server runs its calls into the core on, each account in turn: one for SQLite (a single
        writer, and no hand-over of the GIL between threads for every row), a few for PostgreSQL (one
        connection each)."""
        with self._books_lock:
            if self._executor is None:
                threads = 1 if isinstance(self.database, pw.SqliteDatabase) else POSTGRES_THREADS
                self._executor = TakingTurns(threads, "cleverinvo-db", finish=self.database.close)
            return self._executor

    @property
    def reads_in_caller(self) -> bool:
        """Whether a call that only reads may run on the caller's own thread rather than queue on ``executor``:
        true for SQLite, whose readers never wait for its writer (WAL) and take well under a millisecond, so that a
        hand-over to the database thread (a wake-up, and the GIL taken back for every row read) costs more than the
        read. A PostgreSQL read waits on the network: it stays on the executor."""
        return isinstance(self.database, pw.SqliteDatabase)

    def books(self, account: str = DEFAULT_ACCOUNT, actor: str = events.SYSTEM) -> Books:
        """The books of the account with this name, worked on by ``actor`` (``tui``, ``cli`` or ``system``)."""
        return Books(self.accounts.get(account), actor)

    def books_for(self, identity: KeyIdentity) -> Books:
        """The books of the account a verified API key speaks for, the key's prefix their actor; read once per key,
        then kept (an account's id and name never change, and everything else ``Books`` does reads the database
        when asked)."""
        found = self._books.get(identity.key_id)
        if found is None:
            found = Books(accounts.to_record(accounts.row(identity.account_id)), identity.prefix)
            with self._books_lock:
                self._books[identity.key_id] = found
        return found

    def verify_key(self, key: str, source: str | None = None) -> KeyIdentity:
        """The identity behind an API key; ``AuthenticationError`` when it is malformed, unknown or revoked, and
        ``TooManyAttempts`` after too many failed checks on its prefix or from ``source`` (a client address)."""
        return keys.verify(key, source)

    def cached_key(self, key: str) -> CachedKey | None:
        """The identity behind a key checked recently, from memory alone; ``None``: call ``verify_key``."""
        return keys.cached(key)

    def shared_rate_limiter(self, limit: int = ratelimit.LIMIT) -> ratelimit.Limiter | None:
        """Per-key rate limits kept in the database itself, so that every host serving it counts together; ``None``
        when the database is a SQLite file (one host: the server keeps its buckets itself)."""
        return ratelimit.shared_by_hosts(self.database, limit)

    def revoke_key(self, id_or_prefix: str) -> ApiKeyInfo:
        """Revoke a key of any account by its id or its first 12 characters."""
        return keys.revoke(id_or_prefix)

    def run_recurring(self, today: dt.date | None = None) -> list[Occurrence]:
        """One pass of every account's recurring schedules: each occurrence due by ``today`` is made once."""
        return recurring.run_due(today)

    def remind(self, required: bool = True) -> list[Reminded]:
        """One pass of reminders over every account: each that has come due is sent once, however many passes run
        at once; returns what the pass sent or failed to send. Without a mail server: ``MailNotConfigured``, or
        with ``required=False`` nothing (a server that sends no mail sends no reminders)."""
        if not required and mail_config() is None:
            return []
        return reminders.run_pass()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
        self.database.close()


def open(db: str | os.PathLike[str] | None = None) -> CleverInvo:
    """Open (creating or migrating as needed) the database at ``db``, ``$CLEVERINVO_DB`` or the default file."""
    return CleverInvo(open_database(db), resolve_target(db))
