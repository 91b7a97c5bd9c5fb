"""The console script: the fixed command forms, --db or CLEVERINVO_DB, errors on stderr without tracebacks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cleverinvo.core

CLI = str(Path(sys.executable).parent / "cleverinvo")


def run(*args: str, db: Path | None = None, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLEVERINVO_DB"}
    if env_db is not None:
        env["CLEVERINVO_DB"] = str(env_db)
    argv = [CLI, *args] if db is None else [CLI, *args, "--db", str(db)]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_keys_create_prints_the_key_alone_on_the_last_line_and_it_works(db_path):
    result = run("keys", "create", "--account", "shop", "--label", "web shop", db=db_path)
    assert result.returncode == 0, result.stderr
    key = result.stdout.splitlines()[-1]
    assert key.startswith("cinv_") and " " not in key
    ci = cleverinvo.core.open(db_path)
    assert ci.books_for(ci.verify_key(key)).account_name == "shop"
    ci.close()
    listed = run("keys", "list", "--account", "shop", db=db_path)
    assert key[:12] in listed.stdout and "web shop" in listed.stdout and "active" in listed.stdout
    assert key not in listed.stdout
    revoked = run("keys", "revoke", key[:12], db=db_path)
    assert revoked.returncode == 0 and "Revoked" in revoked.stdout
    assert "revoked" in run("keys", "list", "--account", "shop", db=db_path).stdout


def test_db_from_the_environment_and_before_the_subcommand(tmp_path):
    env_db, flag_db = tmp_path / "env.db", tmp_path / "flag.db"
    assert run("accounts", "create", "from-env", env_db=env_db).returncode == 0
    assert run("--db", str(flag_db), "accounts", "create", "from-flag", env_db=env_db).returncode == 0
    assert [a.name for a in cleverinvo.core.open(env_db).accounts.list()] == ["default", "from-env"]
    assert [a.name for a in cleverinvo.core.open(flag_db).accounts.list()] == ["default", "from-flag"]


def test_accounts_create_with_a_plan(db_path):
    result = run("accounts", "create", "tiny", "--plan", "free", db=db_path)
    assert result.returncode == 0 and "free" in result.stdout
    assert cleverinvo.core.open(db_path).accounts.get("tiny").plan.value == "free"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accounts", "create", "default"), "Account already exists: default"),
        (("accounts", "create", "bad name"), "account name"),
        (("accounts", "create", "x", "--plan", "gold"), "Invalid value for '--plan'"),
        (("keys", "list", "--account", "nobody"), "Account not found: nobody"),
        (("keys", "revoke", "cinv_nothing"), "API key not found"),
        (("serve", "--port", "99999"), "Invalid value for '--port'"),
        (("frobnicate",), "No such command"),
    ],
)
def test_errors_go_to_stderr_with_a_non_zero_exit_and_no_traceback(db_path, args, message):
    result = run(*args, db=db_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_newer_database_is_refused_without_a_traceback(db_path):
    cleverinvo.core.open(db_path).close()
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE schema_version SET version = 999")
    result = run("keys", "list", db=db_path)
    assert result.returncode == 1 and "schema version 999" in result.stderr and "Traceback" not in result.stderr


def test_version_and_help_on_every_command(db_path):
    assert run("--version").stdout.startswith("cleverinvo, version ")
    for args in (
        (),
        ("serve",),
        ("keys",),
        ("keys", "create"),
        ("keys", "list"),
        ("keys", "revoke"),
        ("accounts",),
        ("accounts", "create"),
    ):
        result = run(*args, "--help")
        assert result.returncode == 0 and "Usage: cleverinvo" in result.stdout
    assert "ID_OR_FIRST_12_CHARS" in run("keys", "revoke", "--help").stdout


@pytest.mark.sqlite_only
def test_a_sqlite_file_of_another_program_is_refused_and_left_alone(db_path):
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total TEXT)")
    result = run("keys", "list", db=db_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "holds another program's tables (orders)" in result.stderr
    with sqlite3.connect(db_path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["orders"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "--db is empty"),
        ("  ", "--db is empty"),
        ("mysql://user:secret@db.example/books", "unknown scheme mysql://"),
        ("ftp://db.example/books", "unknown scheme ftp://"),
    ],
)
def test_an_empty_db_or_an_unknown_url_scheme_is_a_one_line_error(tmp_path, value, message):
    for args in (("keys", "list"), ("serve",)):
        result = run(*args, "--db", value)
        assert result.returncode != 0 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and "secret" not in result.stderr
    assert not (tmp_path / "cleverinvo.db").exists()


@pytest.mark.sqlite_only
def test_a_read_only_database_file_gets_a_clear_message(db_path):
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed: cannot make a file read-only for every user")
    cleverinvo.core.open(db_path).close()
    if subprocess.run(["chattr", "+i", str(db_path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not permitted here (no CAP_LINUX_IMMUTABLE): cannot make the file read-only")
    try:
        assert run("keys", "list", db=db_path).returncode == 0  # reading still works
        result = run("keys", "create", db=db_path)
    finally:
        subprocess.run(["chattr", "-i", str(db_path)], check=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: The database is read-only (its file or folder cannot be written by this user); nothing was changed"
    )


def test_a_database_folder_that_cannot_be_made_is_a_clear_message(tmp_path):
    (tmp_path / "file").write_text("")
    result = run("keys", "list", db=tmp_path / "file" / "books.db")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Cannot create the folder for the database" in result.stderr
