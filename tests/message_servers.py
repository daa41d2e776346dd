"""Stand-ins for the world outside, on loopback: a mail server, GOV.UK Notify, a keyring.

- ``smtp_server``: a real SMTP server (aiosmtpd) that offers and requires STARTTLS, with a
  certificate made for the test and trusted through ``SSL_CERT_FILE``, and a user name and
  password it checks. ``.messages`` holds what it received; ``.refuse`` makes it answer DATA
  with that reply instead.
- ``notify_server``: an HTTP server that speaks Notify's send-SMS endpoint: it checks the JWT
  bearer the official client signs with the API key's secret (and its issuer, the service
  id), answers 201 with an id, or 400/500 in ``.mode`` "refuse"/"down".
- ``memory_keyring``: the OS keyring replaced by a dictionary, for every test.

No test reaches the internet.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from keyring.backend import KeyringBackend
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

SMTP_USER, SMTP_PASSWORD = "reception@clinic.example", "mail secret 2026"
NOTIFY_SERVICE_ID, NOTIFY_SECRET = str(uuid.uuid4()), str(uuid.uuid4())
NOTIFY_API_KEY = f"clinic_desktop_test-{NOTIFY_SERVICE_ID}-{NOTIFY_SECRET}"
NOTIFY_TEMPLATE_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.stored.get((service, username))

    def set_password(self, service, username, password):
        self.stored[(service, username)] = password

    def delete_password(self, service, username):
        if self.stored.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring():
    """Every test: no test reads or writes the keyring of the machine it runs on (a desktop's
    keyring may even ask to be unlocked)."""
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


def _certificate(folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MailServer:
    host: str
    port: int
    messages: list = field(default_factory=list)
    refuse: str | None = None  # e.g. "451 4.3.0 try again later"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.messages.append(envelope)
        return "250 OK"


def _check_login(server, session, envelope, mechanism, auth_data):
    right = (auth_data.login.decode(), auth_data.password.decode()) == (SMTP_USER, SMTP_PASSWORD)
    return AuthResult(success=right, handled=False)  # not handled: aiosmtpd answers 535 itself


@pytest.fixture
def smtp_server(tmp_path, monkeypatch):
    cert_file, key_file = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)  # the clinic's own authority, as the app's TLS trusts it
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    mail = MailServer("127.0.0.1", free_port())
    controller = Controller(mail, hostname=mail.host, port=mail.port, tls_context=context, require_starttls=True,
                            authenticator=_check_login, auth_require_tls=True, ready_timeout=10)
    controller.start()
    yield mail
    controller.stop()


class _NotifyHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        notify = self.server.notify
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            issuer = get_token_issuer(token)
            decode_jwt_token(token, NOTIFY_SECRET)
        except Exception:  # any bad token is Notify's 403
            return self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError",
                                                                      "message": "Invalid token: signature"}]})
        if issuer != NOTIFY_SERVICE_ID:
            return self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError",
                                                                      "message": "Invalid token: service not found"}]})
        if self.path != "/v2/notifications/sms":
            return self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not found"}]})
        if notify.mode == "refuse":
            return self._answer(400, {"status_code": 400, "errors": [
                {"error": "ValidationError", "message": "phone_number Not a UK mobile number"}]})
        if notify.mode == "down":
            return self._answer(500, {"status_code": 500, "errors": [
                {"error": "Exception", "message": "Internal server error"}]})
        notify.requests.append(body)
        notification_id = str(uuid.uuid4())
        self._answer(201, {"id": notification_id, "reference": body.get("reference"),
                           "content": {"body": body.get("personalisation", {}).get("message", ""),
                                       "from_number": "CLINIC"},
                           "uri": f"{notify.url}/v2/notifications/{notification_id}",
                           "template": {"id": body.get("template_id"), "version": 1, "uri": ""}})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@dataclass
class NotifyStandIn:
    url: str
    mode: str = "ok"  # "ok" | "refuse" (400) | "down" (500)
    requests: list = field(default_factory=list)


@pytest.fixture
def notify_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotifyHandler)
    server.notify = NotifyStandIn(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.notify
    server.shutdown()
    server.server_close()
    thread.join(5)
