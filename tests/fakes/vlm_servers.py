"""Loopback fakes of the Gemini and OpenAI HTTP APIs, enough for the real SDK clients to talk to them.

Each server answers the generation endpoint from a script of `Reply`s (then a default answer), records every
request (path, headers, JSON body, arrival time), and checks the API key the way the real service does.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

GOOD_KEY = "sk-test-GOODKEY-0123456789abcdef"

GOOD_ANSWER: dict[str, Any] = {
    "segment_type": "code",
    "language": "python",
    "ide": "vscode",
    "file_name": "main.py",
    "code_content": "def greet(name):\n    if name:\n        return f\"hi {name}\"\n    return \"hi\"",
    "code_complete": True,
    "learning_topic": "functions",
    "explanation_text": None,
    "confidence": 0.93,
}

LEARNING_ANSWER: dict[str, Any] = {
    "segment_type": "learning",
    "language": None,
    "ide": None,
    "file_name": None,
    "code_content": None,
    "code_complete": None,
    "learning_topic": "what a closure is",
    "explanation_text": "Closures capture variables",
    "confidence": 0.8,
}


@dataclass
class Reply:
    """One scripted answer. `text` is the model's output (wrapped in the API envelope); `body` a raw JSON body."""

    status: int = 200
    text: str | None = None
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncated: bool = False

    @classmethod
    def answer(cls, data: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return cls(text=json.dumps(GOOD_ANSWER if data is None else data), **kw)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    t: float


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _dispatch(self) -> None:
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
        api = self.server.api
        with api.lock:
            api.seen.append(seen)
            api.inflight += 1
            api.max_inflight = max(api.max_inflight, api.inflight)
        try:
            status, headers, payload, delay = api.handle(seen)
            if delay:
                time.sleep(delay)
        finally:
            with api.lock:
                api.inflight -= 1
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass

    do_GET = do_POST = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: FakeAPI

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class FakeAPI:
    """Base fake: start/stop on 127.0.0.1, a reply script, a request log."""

    def __init__(self, key: str = GOOD_KEY, models: tuple[str, ...] = ()) -> None:
        self.key = key
        self.models = models
        self.script: deque[Reply] = deque()
        self.default = Reply.answer()
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.inflight = 0
        self.max_inflight = 0
        self._srv = _Server(("127.0.0.1", 0), _Handler)
        self._srv.api = self
        self._thread = threading.Thread(target=self._srv.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self._srv.server_address[1]

    def __enter__(self) -> FakeAPI:  # noqa: PYI034 - subclasses are used through this base
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def queue(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.popleft() if self.script else self.default

    @property
    def generations(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST"]

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes, float]:
        raise NotImplementedError

    @staticmethod
    def _out(status: int, body: Any, headers: dict[str, str] | None = None, delay: float = 0.0):
        return status, headers or {}, json.dumps(body).encode(), delay

    def _scripted(self, r: Reply, envelope) -> tuple[int, dict[str, str], bytes, float]:
        if r.raw is not None:
            return r.status, r.headers, r.raw, r.delay
        if r.body is not None or r.status != 200:
            return self._out(r.status, r.body if r.body is not None else {"error": {"message": "scripted"}},
                             r.headers, r.delay)
        return self._out(200, envelope(r), r.headers, r.delay)


class FakeGemini(FakeAPI):
    """`GET /v1beta/models/{m}`, `POST /v1beta/models/{m}:generateContent`; bad key -> 400 API_KEY_INVALID."""

    def __init__(self, key: str = GOOD_KEY, models: tuple[str, ...] = ("gemini-2.5-flash",)) -> None:
        super().__init__(key, models)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, seen: Seen):
        url = urlparse(seen.path)
        key = seen.headers.get("x-goog-api-key") or (parse_qs(url.query).get("key") or [None])[0]
        if key != self.key:
            msg = "API key not valid. Please pass a valid API key."
            return self._out(400, {"error": {"code": 400, "message": msg, "status": "INVALID_ARGUMENT", "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}})
        path = url.path
        if not path.startswith("/v1beta/models/"):
            return self._out(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
        rest = path.removeprefix("/v1beta/models/")
        model, _, method = rest.partition(":")
        if model not in self.models:
            return self._out(404, {"error": {"code": 404, "message": f"models/{model} is not found",
                                             "status": "NOT_FOUND"}})
        if seen.method == "GET":
            return self._out(200, {"name": f"models/{model}", "displayName": model, "inputTokenLimit": 1048576,
                                   "outputTokenLimit": 65536, "supportedGenerationMethods": ["generateContent"]})
        if method != "generateContent":
            return self._out(404, {"error": {"code": 404, "message": "unknown method", "status": "NOT_FOUND"}})

        def envelope(r: Reply) -> dict[str, Any]:
            return {
                "candidates": [{"content": {"role": "model", "parts": [{"text": r.text or ""}]},
                                "finishReason": "MAX_TOKENS" if r.truncated else "STOP", "index": 0}],
                "usageMetadata": {"promptTokenCount": 700, "candidatesTokenCount": 90, "totalTokenCount": 790},
                "modelVersion": model,
            }

        return self._scripted(self.next_reply(), envelope)


class FakeOpenAI(FakeAPI):
    """`GET /v1/models`, `POST /v1/chat/completions`; bad key -> 401 echoing the key (as OpenAI half does)."""

    def __init__(self, key: str = GOOD_KEY, models: tuple[str, ...] = ("gpt-4o-mini",),
                 reject_json_schema: bool = False) -> None:
        super().__init__(key, models)
        self.reject_json_schema = reject_json_schema

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def handle(self, seen: Seen):
        auth = seen.headers.get("authorization", "")
        key = auth.removeprefix("Bearer ").strip()
        if key != self.key:
            return self._out(401, {"error": {"message": f"Incorrect API key provided: {key}.",
                                             "type": "invalid_request_error", "code": "invalid_api_key"}})
        path = urlparse(seen.path).path
        if seen.method == "GET" and path == "/v1/models":
            return self._out(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]})
        if seen.method != "POST" or path != "/v1/chat/completions":
            return self._out(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        body = seen.body if isinstance(seen.body, dict) else {}
        rf = (body.get("response_format") or {}).get("type")
        if self.reject_json_schema and rf == "json_schema":
            return self._out(400, {"error": {"message": "response_format.type json_schema is not supported",
                                             "type": "invalid_request_error", "param": "response_format"}})

        def envelope(r: Reply) -> dict[str, Any]:
            return {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": r.text},
                             "finish_reason": "length" if r.truncated else "stop"}],
                "usage": {"prompt_tokens": 1200, "completion_tokens": 90, "total_tokens": 1290},
            }

        return self._scripted(self.next_reply(), envelope)
