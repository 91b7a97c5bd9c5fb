"""Where mail goes out: the SMTP server, from ``CLEVERINVO_SMTP_URL`` or the user's ``config.toml``.

The URL is ``smtp://user:password@host:port`` (STARTTLS when the server offers it; ``?starttls=require`` to
insist), ``smtps://user:password@host:port`` (TLS from the first byte), with an optional ``timeout=<seconds>``.
Mail credentials live in the environment or in ``config.toml`` in the user's config folder (mode 0600), never in
the database.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import tomli_w
from platformdirs import user_config_path

from cleverinvo.core.errors import ValidationError

SMTP_URL_VAR = "CLEVERINVO_SMTP_URL"
CONFIG_VAR = "CLEVERINVO_CONFIG"  # another config.toml than the one in the user's config folder
DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 300.0
_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True, slots=True)
class MailConfig:
    """One SMTP server and how to talk to it."""

    host: str
    port: int
    implicit_tls: bool
    require_starttls: bool
    username: str | None
    password: str | None
    timeout: float

    def describe(self) -> str:
        """The server as people may see it: no password."""
        who = f"{self.username}@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> MailConfig:
    """A ``MailConfig`` from an SMTP URL; ``ValidationError`` naming what is wrong."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in _PORTS:
        raise ValidationError("Invalid SMTP URL: it must start with smtp:// or smtps://", "smtpUrl")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValidationError("Invalid SMTP URL: the port must be a number from 1 to 65535", "smtpUrl") from None
    if not host:
        raise ValidationError("Invalid SMTP URL: it names no host", "smtpUrl")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls", "timeout"})
    if unknown:
        raise ValidationError(f"Invalid SMTP URL: unknown option {unknown[0]}", "smtpUrl")
    starttls = query.get("starttls", ["auto"])[-1]
    if starttls not in ("auto", "require"):
        raise ValidationError("Invalid SMTP URL: starttls must be auto or require", "smtpUrl")
    if starttls == "require" and parts.scheme == "smtps":
        raise ValidationError("Invalid SMTP URL: smtps:// is TLS already; starttls applies to smtp://", "smtpUrl")
    timeout = DEFAULT_TIMEOUT
    if "timeout" in query:
        try:
            timeout = float(query["timeout"][-1])
        except ValueError:
            timeout = -1.0
        if not 0 < timeout <= MAX_TIMEOUT:
            raise ValidationError(f"Invalid SMTP URL: timeout must be 1 to {MAX_TIMEOUT:.0f} seconds", "smtpUrl")
    return MailConfig(
        host=host,
        port=port or _PORTS[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        require_starttls=starttls == "require",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
    )


def config_path() -> Path:
    """The user's ``config.toml``: ``$CLEVERINVO_CONFIG``, else in the platform's config folder."""
    chosen = os.environ.get(CONFIG_VAR)
    return Path(chosen) if chosen else user_config_path("cleverinvo", appauthor=False) / "config.toml"


def _read_config(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(f"Cannot read {path}: {exc}") from None


def saved_smtp_url() -> str | None:
    """The SMTP URL saved in ``config.toml``, if any."""
    mail = _read_config(config_path()).get("mail")
    url = mail.get("smtp_url") if isinstance(mail, dict) else None
    return url if isinstance(url, str) and url.strip() else None


def smtp_url() -> str | None:
    """The SMTP URL in force: ``$CLEVERINVO_SMTP_URL`` first, else the one saved in ``config.toml``."""
    return os.environ.get(SMTP_URL_VAR, "").strip() or saved_smtp_url()


def mail_config() -> MailConfig | None:
    """The mail server to use, or ``None`` when none is configured."""
    url = smtp_url()
    return parse_smtp_url(url) if url else None


def save_smtp_url(url: str | None) -> Path:
    """Save (or with ``None`` or an empty string, remove) the SMTP URL in ``config.toml``, which is written
    readable by its owner alone (0600) and replaced atomically; other settings in the file are kept."""
    if url and url.strip():
        parse_smtp_url(url)
    path = config_path()
    data = _read_config(path)
    mail = data.get("mail")
    mail = dict(mail) if isinstance(mail, dict) else {}
    if url and url.strip():
        mail["smtp_url"] = url.strip()
    else:
        mail.pop("smtp_url", None)
    if mail:
        data["mail"] = mail
    else:
        data.pop("mail", None)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as stream:
            tomli_w.dump(data, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True, slots=True)
class MailSettings:
    """The mail server as settings show it: the URL saved in config.toml, the server in force (no password), and
    whether ``$CLEVERINVO_SMTP_URL`` overrides the saved one."""

    saved_url: str | None
    in_force: str | None
    from_environment: bool


def mail_settings() -> MailSettings:
    """What a settings screen shows about the mail server. An unusable URL in force reads as not configured."""
    from_environment = bool(os.environ.get(SMTP_URL_VAR, "").strip())
    try:
        config = mail_config()
    except ValidationError:
        config = None
    return MailSettings(saved_smtp_url(), config.describe() if config else None, from_environment)
