"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, or refuses it when told to."""

import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> EmailMessage:
        found = [p for p in self.message.walk() if p.get_content_type() == content_type and not p.is_attachment()]
        assert len(found) == 1, f"expected one {content_type} part, found {len(found)}"
        return found[0]

    @property
    def text(self) -> str:
        return self.part("text/plain").get_content()

    @property
    def html(self) -> str:
        return self.part("text/html").get_content()

    def attachments(self) -> list[EmailMessage]:
        return [p for p in self.message.walk() if p.is_attachment()]


@dataclass
class Handler:
    """Keeps each message; ``refuse`` (e.g. ``"554 5.7.1 Message rejected"``) answers DATA with it instead;
    ``meanwhile`` runs while the sender waits for the answer to DATA (in the middle of the exchange)."""

    received: list[Received] = field(default_factory=list)
    refuse: str | None = None
    meanwhile: Callable[[], None] | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.meanwhile is not None:
            self.meanwhile()
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


@dataclass
class MailServer:
    host: str
    port: int
    handler: Handler

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A running SMTP server on loopback (no TLS, no login)."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield MailServer(controller.hostname, controller.port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_env(mail_server: MailServer, monkeypatch: pytest.MonkeyPatch, tmp_path) -> MailServer:
    """The server above as the configured mail server, and a config.toml of this test's own."""
    monkeypatch.setenv("CLEVERINVO_SMTP_URL", mail_server.url)
    monkeypatch.setenv("CLEVERINVO_CONFIG", str(tmp_path / "config.toml"))
    return mail_server
