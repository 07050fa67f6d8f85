"""A stand-in for the police.uk API on 127.0.0.1, answering in the API's documented JSON shapes.

``crimes-street-dates`` lists the months it holds, newest first; ``crimes-street/all-crime``
(GET or a POSTed form) answers the records of one month whose point lies inside ``poly``
(``lat,lng:lat,lng:...``), 503 when more than ``limit`` do (as the API does past 10,000), and
404 for a month it does not hold. ``script`` makes a month answer some status codes first (429,
502, ...) and ``forever`` always; ``requests`` records what was asked and the ids answered.

Hostile modes: ``drip="body"`` sends the status line and headers at once and then the body one
byte every ``drip_every`` seconds; ``drip="headers"`` drips from the status line on. ``redirect``
(a base URL) answers every ``/api/...`` request with a 302 to the same path under that base,
while ``/moved/...`` is served as ``/api/...`` is (a redirect within this server). ``tls=True``
serves https with a self-signed certificate for 127.0.0.1, written to ``api.cafile`` (a client
trusts it with ``SSL_CERT_FILE``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import ssl
import tempfile
import threading
import urllib.parse
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import shapely


def record(ident: int, month: str, lat: float, lng: float, category: str = "violent-crime",
           street: str = "On or near High Street") -> dict:
    """One record of crimes-street, as the API writes it (coordinates as strings, ASB without a persistent_id)."""
    asb = category == "anti-social-behaviour"
    return {"category": category, "location_type": "Force",
            "location": {"latitude": f"{lat:.6f}", "street": {"id": 900000 + ident, "name": street},
                         "longitude": f"{lng:.6f}"},
            "context": "", "outcome_status": None if asb else {"category": "Under investigation", "date": month},
            "persistent_id": "" if asb else persistent_id(ident), "id": ident, "location_subtype": "", "month": month}


def persistent_id(ident: int) -> str:
    return hashlib.sha256(str(ident).encode()).hexdigest()


class StandIn:
    """The server, started by ``with StandIn(...) as api:``; ``api.url`` is its address."""

    def __init__(self, records: dict[str, list[dict]], *, dates: list[str] | None = None, limit: int = 10_000,
                 script: dict[str, list[int]] | None = None, forever: dict[str, int] | None = None,
                 drip: str | None = None, drip_every: float = 0.2, redirect: str | None = None, tls: bool = False):
        self.records, self.limit = records, limit
        self.drip, self.drip_every, self.redirect = drip, drip_every, redirect
        self._stop = threading.Event()     # ends a drip when the test is done
        self.dates = sorted(dates if dates is not None else records, reverse=True)
        self.script = {month: list(codes) for month, codes in (script or {}).items()}
        self.forever = forever or {}
        self.requests: list[list] = []   # method, path, month, polygon points, ids answered
        self._server = _Quiet(("127.0.0.1", 0), self._handler())
        self._folder = Path(tempfile.mkdtemp(prefix="standin-"))
        self.cafile = None
        if tls:
            self.cafile = _self_signed(self._folder)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.cafile, self._folder / "key.pem")
            # The handshake in the request's thread, so a client that refuses it holds nothing up.
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                      do_handshake_on_connect=False)
        self.root = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_port}"
        self.url = f"{self.root}/api"

    def __enter__(self) -> StandIn:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def asked(self, month: str) -> list[tuple[str, int, list[int]]]:
        """(method, polygon points, ids answered) of each request for ``month``."""
        return [(method, points, ids) for method, _, m, points, ids in self.requests if m == month]

    def _answer(self, method: str, path: str, form: dict[str, list[str]]) -> tuple[int, object]:
        if path == "/api/crimes-street-dates":
            self.requests.append([method, path, None, 0, []])
            return 200, [{"date": month, "stop-and-search": ["kent"]} for month in self.dates]
        if path != "/api/crimes-street/all-crime":
            return 404, {"error": "not found"}
        month, poly = form.get("date", [""])[0], form.get("poly", [""])[0]
        area = shapely.Polygon([(float(lng), float(lat)) for lat, lng in (p.split(",") for p in poly.split(":"))])
        self.requests.append(asked := [method, path, month, len(area.exterior.coords) - 1, []])
        if self.script.get(month):
            return self.script[month].pop(0), {"error": "scripted"}
        if month in self.forever:
            return self.forever[month], {"error": "scripted"}
        if month not in self.records:
            return 404, {"error": "no data for this date"}
        inside = [r for r in self.records[month]
                  if shapely.contains_xy(area, float(r["location"]["longitude"]), float(r["location"]["latitude"]))]
        if len(inside) > self.limit:
            return 503, ""
        asked[-1] = [r["id"] for r in inside]
        return 200, inside

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                if not self._redirected(parts):
                    self._send(*standin._answer("GET", self._served(parts.path), urllib.parse.parse_qs(parts.query)))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                parts = urllib.parse.urlsplit(self.path)
                if not self._redirected(parts):
                    self._send(*standin._answer("POST", self._served(parts.path), urllib.parse.parse_qs(body)))

            def _redirected(self, parts) -> bool:
                if not (standin.redirect and parts.path.startswith("/api/")):
                    return False
                standin.requests.append(["REDIRECT", parts.path, None, 0, []])
                self.send_response(302)
                self.send_header("Location", standin.redirect + parts.path.removeprefix("/api")
                                 + (f"?{parts.query}" if parts.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True

            @staticmethod
            def _served(path: str) -> str:
                return "/api/" + path.removeprefix("/moved/") if path.startswith("/moved/") else path

            def _send(self, status: int, payload) -> None:
                body = json.dumps(payload).encode() if payload != "" else b""
                if standin.drip:
                    return self._drip(status, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self, status: int, body: bytes) -> None:
                head = (f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode()
                if standin.drip == "body":
                    self.wfile.write(head)
                    head = b""
                try:
                    for byte in head + body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        if standin._stop.wait(standin.drip_every):
                            return
                except OSError:   # the client gave up: what the test wants
                    pass

            def log_message(self, *args) -> None:   # quiet
                pass

        return Handler


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:   # a client that refused the certificate
        pass


def _self_signed(folder: Path) -> Path:
    """A certificate for 127.0.0.1 signed by its own key (cert.pem, key.pem in ``folder``)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "police.uk stand-in")])
    now = datetime.now(timezone.utc)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(hours=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(ski, critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
                   .sign(key, hashes.SHA256()))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return folder / "cert.pem"
