"""Handing a message to the SMTP server with the standard library: TLS as configured, a timeout on every step,
and every failure turned into ``DeliveryFailed`` with the server's own reason."""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from cleverinvo.core.delivery.config import MailConfig
from cleverinvo.core.errors import DeliveryFailed


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _reason(response: bytes | str) -> str:
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else response
    return " ".join(text.split())


def _said(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_reason(exc.smtp_error)}"


def _connect(config: MailConfig) -> smtplib.SMTP:
    """An open, greeted connection, encrypted as the configuration asks."""
    context = ssl.create_default_context()
    if config.implicit_tls:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        connection.ehlo_or_helo_if_needed()
        encrypted = config.implicit_tls
        if not encrypted and connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
            encrypted = True
        if not encrypted and config.require_starttls:
            raise DeliveryFailed(f"The mail server {config.host} does not offer STARTTLS, which is required")
        if config.username:
            if not encrypted and not _is_loopback(config.host):
                raise DeliveryFailed(
                    f"The mail server {config.host} offers no encryption; the password is not sent in the clear"
                )
            connection.login(config.username, config.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def deliver(config: MailConfig, message: EmailMessage, sender: str, recipients: Sequence[str]) -> list[str]:
    """Send ``message`` from the envelope ``sender`` to ``recipients``; returns the recipients the server refused
    while accepting the others. ``DeliveryFailed`` when it accepted none, refused the message or is unreachable."""
    where = f"{config.host}:{config.port}"
    try:
        with _connect(config) as connection:
            refused = connection.send_message(message, from_addr=sender, to_addrs=list(recipients))
    except DeliveryFailed:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        reasons = "; ".join(f"{rcpt}: {code} {_reason(text)}" for rcpt, (code, text) in exc.recipients.items())
        raise DeliveryFailed(f"The mail server refused the recipients: {reasons}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(f"The mail server refused the login: {_said(exc)}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"The mail server refused the message: {_said(exc)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(f"The mail server {where} does not support what is needed: {exc}") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise DeliveryFailed(f"The mail server {where} closed the connection: {exc or 'no reason given'}") from None
    except TimeoutError:
        raise DeliveryFailed(f"The mail server {where} did not answer within {config.timeout:g} s") from None
    except ssl.SSLError as exc:
        raise DeliveryFailed(f"TLS with the mail server {where} failed: {exc.reason or exc}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"Cannot reach the mail server {where}: {exc.strerror or exc}") from None
    return sorted(refused)
