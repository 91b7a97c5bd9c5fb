"""The ``cleverinvo`` command: the TUI by default, ``serve`` for the HTTP API, ``keys``, ``accounts`` and ``recur``.

Every command takes ``--db`` (or ``CLEVERINVO_DB``). Errors go to stderr with a non-zero exit and no traceback.
"""

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

import cleverinvo.core
from cleverinvo import __version__
from cleverinvo.core import DB_ENV_VAR, Books, CleverInvoError, unavailable
from cleverinvo.core.clock import iso_timestamp
from cleverinvo.core.records import Plan

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("cleverinvo")


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--db`` may stand before or after the subcommand; the one nearest the command wins, and the environment
    only fills in when no ``--db`` was given."""
    root = ctx.find_root()
    from_environment = ctx.get_parameter_source("db") is ParameterSource.ENVIRONMENT
    if value is not None and not (from_environment and root.meta.get("db")):
        root.meta["db"] = value
    return value


db_option = click.option(
    "--db",
    envvar=DB_ENV_VAR,
    callback=_remember_db,
    expose_value=False,
    is_eager=True,
    metavar="PATH_OR_URL",
    help=f"Database file or URL (default: ${DB_ENV_VAR}, else a file in your data folder).",
)


def _db() -> str | None:
    chosen = click.get_current_context().find_root().meta.get("db")
    if chosen is not None and not chosen.strip():
        raise click.UsageError("--db is empty: give a database file or URL, or leave --db out for the default")
    return chosen


def friendly_errors(command: F) -> F:
    """Turn every failure into one line on stderr and exit status 1 (set CLEVERINVO_DEBUG=1 for tracebacks)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CleverInvoError as exc:
            raise click.ClickException(exc.message) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            fault = unavailable(exc)  # a busy, full or read-only database
            if fault is not None:
                raise click.ClickException(fault.message) from None
            if os.environ.get("CLEVERINVO_DEBUG"):
                raise
            raise click.ClickException(f"unexpected failure ({type(exc).__name__}): {exc}") from None

    return wrapper  # type: ignore[return-value]


def _open() -> cleverinvo.core.CleverInvo:
    return cleverinvo.core.open(_db())


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cleverinvo")
@db_option
@click.pass_context
@friendly_errors
def main(ctx: click.Context) -> None:
    """CleverInvo: self-hosted invoicing. With no command, opens the terminal UI."""
    if ctx.invoked_subcommand is None:
        from cleverinvo.tui.app import run

        run(_db())


@main.command()
@db_option
@friendly_errors
def recur() -> None:
    """Make every recurring invoice that is due (one pass, for cron); prints what it made."""
    ci = _open()
    try:
        done = ci.run_recurring()
        for occurrence in done:
            number = occurrence.invoice_number or "-"
            reason = f"  {occurrence.detail}" if occurrence.detail else ""
            click.echo(f"{occurrence.date.isoformat()}  {number}  {occurrence.outcome}{reason}")
        click.echo(f"{len(done)} recurring invoice(s) due" if done else "No recurring invoice was due.")
    finally:
        ci.close()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@db_option
@friendly_errors
def serve(host: str, port: int, workers: int) -> None:
    """Serve the CleverInvo v1 HTTP API."""
    from cleverinvo.server.run import serve as run_server

    _open().close()  # fail here, clearly, before any worker starts
    run_server(db=_db(), host=host, port=port, workers=workers)


@main.command()
@db_option
@friendly_errors
def remind() -> None:
    """Send the reminders that have come due, once each (one pass, for cron), and print what was sent."""
    handled = _open().remind()
    if not handled:
        click.echo("No reminders due.")
    for reminder in handled:
        where = f"{reminder.number} (account {reminder.account}), {reminder.days} days after its due date"
        if reminder.error is None:
            click.echo(f"Sent a reminder for {where} to {', '.join(reminder.to)}")
        else:
            click.echo(f"Not sent: a reminder for {where}: {reminder.error}", err=True)
    if any(reminder.error for reminder in handled):
        sys.exit(1)


@main.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--account", default="default", show_default=True, help="Account the key acts for (made if new).")
@click.option("--label", default=None, help="A note to recognise the key by.")
@db_option
@friendly_errors
def keys_create(account: str, label: str | None) -> None:
    """Create an API key. The key is printed once, alone on the last line."""
    made = Books(_open().accounts.get_or_create(account), actor="cli").keys.create(label)
    click.echo(f"Created API key {made.info.prefix}… for account {account}. Store it now; it is not shown again:")
    click.echo(made.key)


@keys.command("list")
@click.option("--account", default="default", show_default=True)
@db_option
@friendly_errors
def keys_list(account: str) -> None:
    """List an account's API keys by their first 12 characters."""
    listed = _open().books(account, actor="cli").keys.list()
    if not listed:
        click.echo(f"No API keys for account {account}.")
        return
    click.echo(f"{'KEY':<14}{'STATUS':<9}{'CREATED':<26}{'LAST USED':<26}LABEL")
    for key in listed:
        status = "active" if key.is_active else "revoked"
        used = iso_timestamp(key.last_used_at) or "never"
        click.echo(f"{key.prefix:<14}{status:<9}{iso_timestamp(key.created_at):<26}{used:<26}{key.label or ''}")


@keys.command("revoke")
@click.argument("id_or_prefix", metavar="ID_OR_FIRST_12_CHARS")
@db_option
@friendly_errors
def keys_revoke(id_or_prefix: str) -> None:
    """Revoke an API key: it stops working within 60 seconds everywhere."""
    revoked = _open().revoke_key(id_or_prefix)
    click.echo(f"Revoked API key {revoked.prefix}….")


@main.group()
def accounts() -> None:
    """Manage accounts."""


@accounts.command("create")
@click.argument("name")
@click.option("--plan", type=click.Choice([p.value for p in Plan]), default=Plan.UNLIMITED.value, show_default=True)
@db_option
@friendly_errors
def accounts_create(name: str, plan: str) -> None:
    """Create an account."""
    made = _open().accounts.create(name, plan)
    click.echo(f"Created account {made.name} on the {made.plan.value} plan.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
