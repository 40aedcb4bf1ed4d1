"""A real HTTP receiver on 127.0.0.1 for the webhook tests.

It checks every signature, remembers each request, processes each event id
once (the deduplication a receiver is told to do), and answers as the test
scripts it: "ok" (204), "fail" (500) or "slow" (processes, then answers too
late for the sender's timeout).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from payflow_tui.services import signing


@dataclass
class Received:
    event_id: str
    event_type: str
    body: dict
    raw: bytes
    headers: dict
    signature_ok: bool
    duplicate: bool
    answered: str


class Receiver:
    def __init__(self, secret: str, now: Callable[[], int]) -> None:
        self.secret = secret
        self.now = now
        self.default = "ok"
        self.script: list[str] = []
        self.requests: list[Received] = []
        self.processed: dict[str, dict] = {}  # event id -> body, each processed once
        self.on_request: Callable[[], None] | None = None
        self.slow_seconds = 2.0
        self._lock = threading.Lock()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                receiver._handle(self)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/payflow"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        ok = signing.verify(self.secret, handler.headers.get(signing.SIGNATURE_HEADER, ""), raw, now=self.now())
        body = json.loads(raw) if ok else {}
        with self._lock:
            mode = self.script.pop(0) if self.script else self.default
            duplicate = ok and body["id"] in self.processed
            # A receiver acts on an event once, then acknowledges; a repeat is acknowledged only.
            if ok and not duplicate and mode != "fail":
                self.processed[body["id"]] = body
            self.requests.append(Received(body.get("id", ""), body.get("type", ""), body, raw,
                                          dict(handler.headers), ok, duplicate, mode))
        if self.on_request is not None:
            self.on_request()
        if mode == "slow":
            self._release.wait(self.slow_seconds)
        status = 401 if not ok else (500 if mode == "fail" else 204)
        try:
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        except OSError:
            pass  # the sender gave up waiting: exactly what a slow receiver sees

    def types(self) -> list[str]:
        return [r.event_type for r in self.requests]
