"""A real SMTP server for tests: aiosmtpd on loopback, in a thread of this process, keeping what it accepts.

Like a real server, it takes responsibility for a message only when it answers the end of DATA with 250. A client
that goes away before that answer (a worker killed mid-send) leaves nothing behind: aiosmtpd cancels the handler
when the connection drops, so the message is counted as abandoned, not received.
"""

import asyncio
import email
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def ref(self) -> str:
        return str(self.message["X-Message-Ref"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class Sink:
    """aiosmtpd handler: keeps each accepted message; can refuse addresses, go slowly, or hold one message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self.abandoned = 0
        self.delay = 0.0
        self.refused: set[str] = set()
        self._hold_at: int | None = None
        self.holding = threading.Event()
        self._release = threading.Event()

    # --- what the test sees ---------------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def count(self) -> int:
        with self._lock:
            return len(self._received)

    def wait_for(self, count: int, *, timeout: float) -> list[Received]:
        """Wait until at least `count` messages have been accepted; fail after `timeout` seconds."""
        give_up_at = time.monotonic() + timeout
        while time.monotonic() < give_up_at:
            if self.count() >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"the SMTP server accepted {self.count()} messages in {timeout}s, not {count}")

    def hold_after(self, count: int) -> None:
        """Keep the client waiting for the answer to the message after the first `count`, until `release()`."""
        self._hold_at = count

    def release(self) -> None:
        self._release.set()

    # --- aiosmtpd hooks ---------------------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            if self._hold_at is not None and self.count() == self._hold_at and not self.holding.is_set():
                self.holding.set()
                while not self._release.is_set():
                    await asyncio.sleep(0.01)
            if self.delay:
                await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            # The client went away before we answered: the message is not ours to deliver.
            with self._lock:
                self.abandoned += 1
            raise
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=default_policy
        )
        with self._lock:
            self._received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start with `start()`, stop with `stop()`; `host`, `port` and `sink` say where it is and what it got."""

    def __init__(self, *, port: int | None = None) -> None:
        self.host = LOOPBACK
        self.port = port or free_port()
        self.sink = Sink()
        self._controller = Controller(self.sink, hostname=self.host, port=self.port, ready_timeout=10)

    def start(self) -> "SMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self.sink.release()
        self._controller.stop()
