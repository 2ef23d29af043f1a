"""What a classroom server was started with."""

from __future__ import annotations

import socket
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

MAX_BODY = 64 * 1024  # a quiz submission is a few kilobytes; anything larger is refused (413)
MAX_SCANS = 200 * 1024 * 1024  # a class's scanned bubble sheets (a PDF of 40 pages at 200 dpi is about 10 MB)


@dataclass(frozen=True)
class ClassroomConfig:
    course_root: Path
    site_dir: Path  # a built site (HTML only is enough)
    db_url: str
    secure_cookies: bool = False  # set behind https: cookies get the Secure flag
    max_body: int = MAX_BODY
    max_scans: int = MAX_SCANS  # the scans of a class's paper quiz, uploaded by a trainer
    scans_dir: Path | None = None  # where read scans wait for their review (default: COURSE/.classroom/scans)
    public_url: str | None = None  # the address printed in certificate QR codes (else ``address``)
    # Host names (no port) a request may name in its Host header (anything else: 400). The
    # command line passes the bind address, localhost and --allowed-host; this default is for
    # in-process use (``testserver`` is the host of Starlette's test client).
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1", "testserver")
    address: str = "http://localhost:8000"  # where the server listens: the certificates' fallback, never a request's Host

    @property
    def certificate_base(self) -> str:
        return (self.public_url or self.address).rstrip("/")


def default_db_url(course_root: Path) -> str:
    return f"sqlite:///{(Path(course_root).resolve() / '.classroom' / 'classroom.db').as_posix()}"


def default_allowed_hosts(host: str, public_url: str | None, extra: list[str] | None) -> tuple[str, ...]:
    """Localhost, the bind address (for 0.0.0.0: this machine's names and network address), --public-url's host, each --allowed-host."""
    names = ["localhost", "127.0.0.1", "::1", *(extra or [])]
    if public_url:
        found = urllib.parse.urlsplit(public_url).hostname
        if found:
            names.append(found)
    if host not in ("0.0.0.0", "::", ""):
        names.append(host)
    else:  # every address: this machine's address on the room's network and its names
        names.extend(_own_names())
    return tuple(dict.fromkeys(name.strip().lower() for name in names if name.strip()))


def _own_names() -> list[str]:
    names = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a UDP "connection" sends nothing: it only picks the outgoing address
            names.append(probe.getsockname()[0])
    except OSError:
        pass
    return [*names, socket.gethostname(), socket.getfqdn()]


def listening_address(host: str, port: int, https: bool, allowed: tuple[str, ...]) -> str:
    """An address of this server to print where the request's Host would otherwise be trusted."""
    if host in ("0.0.0.0", "::", ""):
        named = [name for name in allowed if name not in ("localhost", "127.0.0.1", "::1")]
        host = named[0] if named else "localhost"
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if https else 'http'}://{shown}:{port}"
