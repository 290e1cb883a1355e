"""A stand-in for GOV.UK Notify on 127.0.0.1: the endpoints the channel uses, answered the way Notify answers.

POST /v2/notifications/email, /v2/notifications/sms and /v2/notifications/letter (a templated letter, or a
precompiled one when the body has `content` and no `template_id`). Each request must carry the JWT the client
signs with the API key (HS256, `iss` = the service id, a recent `iat`); a wrong signature gets Notify's 403.

`fail` maps an email address or phone number to the status Notify should answer: 400 (ValidationError), 429
(RateLimitError) or 500 (Exception); an email address in `garble` gets a 201 whose body is not JSON. `requests` records every request, and `receipt(...)` builds the body Notify
posts to a delivery-receipt callback.
"""

import base64
import datetime
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

NOTIFY_ERRORS = {
    400: ("ValidationError", "{field} Not a valid {kind}"),
    403: ("AuthError", "Invalid token: signature, api token not found"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
}


def make_api_key(name: str = "test_key") -> str:
    """A key in Notify's format: `<name>-<service id (iss)>-<secret>`, both UUIDs."""
    return f"{name}-{uuid.uuid4()}-{uuid.uuid4()}"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: dict
    token_claims: dict | None


@dataclass
class FakeNotify:
    api_key: str = field(default_factory=make_api_key)
    fail: dict[str, int] = field(default_factory=dict)
    # Addresses for which Notify says 201 but the body is not JSON (a proxy's page, a truncated answer).
    garble: set[str] = field(default_factory=set)
    requests: list[Recorded] = field(default_factory=list)
    # id -> what was sent, so a receipt can name its reference and recipient as Notify does.
    sent: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        self.service_id = self.api_key[-73:-37]
        self.secret = self.api_key[-36:]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-notify", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeNotify":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def receipt(self, notification_id: str, status: str = "delivered") -> dict:
        """The JSON Notify posts to the service's callback URL for one message."""
        sent = self.sent[notification_id]
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "id": notification_id,
            "reference": sent["reference"],
            "to": sent["to"],
            "status": status,
            "created_at": sent["created_at"],
            "completed_at": now,
            "sent_at": now,
            "notification_type": sent["type"],
            "template_id": sent.get("template_id"),
            "template_version": 1,
        }

    # --- what the server does with one request -----------------------------------------------------------

    def check_token(self, authorization: str) -> dict | None:
        scheme, _sep, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return None
        try:
            claims = jwt.decode(
                token, key=self.secret, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.InvalidTokenError:
            return None
        return claims if claims.get("iss") == self.service_id else None

    def answer(self, path: str, body: dict, claims: dict | None) -> tuple[int, dict]:
        if claims is None:
            return _error(403)
        if path == "/v2/notifications/email":
            to, kind, field_name = body.get("email_address", ""), "email", "email_address"
            if "@" not in to:
                return _error(400, field_name, "email address")
        elif path == "/v2/notifications/sms":
            to, kind, field_name = body.get("phone_number", ""), "sms", "phone_number"
        elif path == "/v2/notifications/letter":
            return self._letter(body)
        else:
            return 404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not found"}]}
        status = self.fail.get(to)
        if status:
            label = "email address" if kind == "email" else "phone number"
            return _error(status, field_name, label)
        if not body.get("template_id"):
            return _error(400, "template_id", "template id")
        return 201, self._accepted(kind, to, body)

    def _letter(self, body: dict) -> tuple[int, dict]:
        if "content" in body and "template_id" not in body:
            try:
                pdf = base64.b64decode(body["content"], validate=True)
            except ValueError:
                return 400, _errors("ValidationError", "Cannot decode letter content (base64 encoded) to PDF")
            if not pdf.startswith(b"%PDF"):
                return 400, _errors("ValidationError", "Letter content is not a valid PDF")
            if not body.get("reference"):
                return 400, _errors("ValidationError", "reference is a required property")
            accepted = self._accepted("letter", "precompiled letter", body)
            return 201, {"id": accepted["id"], "reference": body["reference"], "postage": "second"}
        lines = [body.get("personalisation", {}).get(f"address_line_{i}") for i in range(1, 8)]
        lines = [line for line in lines if line]
        if len(lines) < 3:
            return 400, _errors("ValidationError", "Address must be at least 3 lines")
        status = self.fail.get(lines[0])
        if status:
            return _error(status, "address_line_1", "address")
        return 201, self._accepted("letter", "\n".join(lines), body)

    def _accepted(self, kind: str, to: str, body: dict) -> dict:
        notification_id = str(uuid.uuid4())
        with self._lock:
            self.sent[notification_id] = {
                "type": kind,
                "to": to,
                "reference": body.get("reference"),
                "template_id": body.get("template_id"),
                "created_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
        personalisation = body.get("personalisation") or {}
        return {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": personalisation.get("subject", ""),
                "body": personalisation.get("body", ""),
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": body.get("template_id"), "version": 1, "uri": ""},
            "scheduled_for": None,
        }


def _errors(error: str, message: str, status: int = 400) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _error(status: int, field_name: str = "", kind: str = "") -> tuple[int, dict]:
    error, message = NOTIFY_ERRORS[status]
    return status, _errors(error, message.format(field=field_name, kind=kind), status)


def _handler_for(notify: FakeNotify):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._reply(400, _errors("BadRequestError", "Invalid JSON supplied in POST data"))
                return
            claims = notify.check_token(self.headers.get("Authorization", ""))
            with notify._lock:
                notify.requests.append(Recorded("POST", self.path, dict(self.headers), body, claims))
            if body.get("email_address") in notify.garble:
                self._reply(201, None)
                return
            status, answer = notify.answer(self.path, body, claims)
            self._reply(status, answer)

        def _reply(self, status: int, payload: dict | None) -> None:
            data = json.dumps(payload).encode() if payload is not None else b"<html>Accepted</html>"
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if payload is not None else "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # keep test output quiet
            pass

    return Handler
