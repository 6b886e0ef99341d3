"""A real IMAP server for the tests: Debian's Dovecot, started with a throwaway configuration.

It listens on 127.0.0.1 on a free port in 9610-9619, serves one user from a passwd-file and
keeps mail as maildir under the test's folder; `tls=True` serves implicit TLS (IMAPS) with a
self-signed certificate made here (`cryptography`). Messages are delivered by IMAP APPEND, as
a mail server's delivery agent would. Used by the tests, the browser journey and
bench/mailbox.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

DOVECOT = "/usr/sbin/dovecot"
PORTS = range(9610, 9620)
USER = "harken-team"
PASSWORD = "mailbox-test-password"


def available() -> bool:
    return Path(DOVECOT).exists()


def _free_port(skip: set[int]) -> int:
    for port in PORTS:
        if port in skip:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As Dovecot binds: a port another test just closed (TIME_WAIT) is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 9610-9619 for Dovecot.")


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _traversable(path: Path) -> None:
    """Dovecot's mail process runs as the `dovecot` user: let it pass through the folders
    above the mail (execute only, no listing) up to the temporary folder."""
    top = Path(tempfile.gettempdir()).resolve()
    for folder in [path, *path.parents]:
        if folder == top or top not in folder.parents:
            break
        folder.chmod(folder.stat().st_mode | 0o111)


class Dovecot:
    def __init__(self, root: Path, *, tls: bool = False) -> None:
        self.root = root
        self.tls = tls
        self.host = "127.0.0.1"
        self.user = USER
        self.password = PASSWORD
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.mail = root / "mail"
        # Unix sockets' paths must be short: the run folder is not under the test's folder.
        self.run_dir = Path(tempfile.mkdtemp(prefix="hk-dovecot-"))
        self.cafile = ""
        self.log = root / "dovecot.log"
        # Said by this server alone: another test's server on the same port is not mistaken
        # for it while this one is still failing to bind.
        self.greeting = f"Harken test IMAP {self.run_dir.name}"

    # --- configuration ---------------------------------------------------------------------

    def _config(self) -> Path:
        self.mail.mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        passwd = self.root / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("dovecot")
            uid, gid = owner.pw_uid, owner.pw_gid
            internal = "dovecot"
            login = "dovenull"
            for folder in (self.mail, self.root / "home"):
                os.chown(folder, uid, gid)
            _traversable(self.root)
        else:
            uid, gid = os.getuid(), os.getgid()
            internal = login = pwd.getpwuid(uid).pw_name
        tls = ""
        if self.tls:
            cert, key = _certificate(self.root)
            self.cafile = str(cert)
            tls = f"ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\n"
            listeners = (
                "  inet_listener imap {\n    port = 0\n  }\n"
                f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {self.port}\n"
                "    ssl = yes\n  }\n"
            )
        else:
            tls = "ssl = no\n"
            listeners = (
                f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {self.port}\n  }}\n"
                "  inet_listener imaps {\n    port = 0\n  }\n"
            )
        config = self.root / "dovecot.conf"
        config.write_text(
            f"""protocols = imap
listen = 127.0.0.1
base_dir = {self.run_dir}
state_dir = {self.run_dir}/state
instance_name = hk-{self.run_dir.name}
log_path = {self.log}
default_internal_user = {internal}
default_login_user = {login}
{tls}disable_plaintext_auth = no
auth_mechanisms = plain login
# A 25 MB message is read and flagged whole: more room than the 256 MB default, on a busy machine.
default_vsz_limit = 1024M
login_greeting = {self.greeting}
first_valid_uid = {min(uid, 1)}
mail_location = maildir:{self.mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
service imap-login {{
{listeners}  chroot =
}}
service anvil {{
  chroot =
}}
"""
        )
        return config

    # --- running -----------------------------------------------------------------------------

    def _answers(self) -> bool:
        import ssl

        with socket.create_connection((self.host, self.port), 2) as raw:
            sock: socket.socket = raw
            if self.tls:
                sock = ssl.create_default_context(cafile=self.cafile).wrap_socket(
                    raw, server_hostname=self.host
                )
            sock.settimeout(2)
            line = sock.recv(512).decode("ascii", "replace")
        return self.greeting in line

    def _wait(self, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                return self._answers()  # False: someone else's server on this port
            time.sleep(0.05)
        return False

    def start(self) -> Dovecot:
        tried: set[int] = set()
        for _ in range(len(PORTS)):
            if not self.port or self.port in tried:
                self.port = _free_port(tried)
            tried.add(self.port)
            config = self._config()
            self.process = subprocess.Popen(  # noqa: S603 (a fixed program and our config)
                [DOVECOT, "-F", "-c", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                # Its own process group: stopping it ends its IMAP sessions too, as a real
                # restart of the server does (the master alone leaves them running).
                start_new_session=True,
            )
            if self._wait():
                return self
            self.stop()
        raise RuntimeError(f"Dovecot did not start: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid  # the group this server's processes were started in
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(5)
        self.process = None
        shutil.rmtree(self.run_dir / "state", ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (self.run_dir / "master.pid").unlink()

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"

    # --- mail --------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The HARKEN_MAILBOX_* settings that read this server."""
        return {
            "HARKEN_MAILBOX_HOST": self.host,
            "HARKEN_MAILBOX_PORT": self.port,
            "HARKEN_MAILBOX_TLS": "ssl" if self.tls else "none",
            "HARKEN_MAILBOX_CA_FILE": self.cafile,
            "HARKEN_MAILBOX_USER": self.user,
            "HARKEN_MAILBOX_PASSWORD": self.password,
            "HARKEN_MAILBOX_AUTH": "password",
            "HARKEN_MAILBOX_DONE_FOLDER": "",
            "HARKEN_MAILBOX_TIMEOUT": 20,
        }

    def _box(self) -> Any:
        import ssl

        from imap_tools import MailBox, MailBoxUnencrypted

        if self.tls:
            context = ssl.create_default_context(cafile=self.cafile)
            return MailBox(self.host, self.port, ssl_context=context).login(
                self.user, self.password
            )
        return MailBoxUnencrypted(self.host, self.port).login(self.user, self.password)

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        with self._box() as box:
            for raw in messages:
                box.append(raw, folder)

    def flagged(self) -> tuple[int, int]:
        """(messages in the inbox, of which marked as stored by Harken)."""
        from imap_tools import AND

        from harken.correspondence.conf import STORED_KEYWORD

        with self._box() as box:
            return len(box.uids("ALL")), len(box.uids(AND(keyword=STORED_KEYWORD)))
