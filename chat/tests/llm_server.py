"""A small OpenAI-compatible server on 127.0.0.1 for tests: POST /v1/chat/completions.

It answers as JSON or, when asked to stream, as SSE `data: {...}` chunks ending with
`data: [DONE]`, and records every request. `mode` makes it fail: "error" (HTTP 500) or
"slow" (sleeps `delay` seconds before answering).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self, answer: str = "Saving means keeping some money aside for later. Start small!"):
        self.answer = answer
        self.mode = "ok"
        self.delay = 3.0
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "FakeLLM":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({name.lower(): value for name, value in self.headers.items()})
                if self.path != "/v1/chat/completions":
                    return self._json(404, {"error": {"message": "not found"}})
                if fake.mode == "error":
                    return self._json(500, {"error": {"message": "the model fell over", "type": "server_error"}})
                if fake.mode == "slow":
                    fake._stop.wait(fake.delay)
                try:
                    if body.get("stream"):
                        self._stream(body)
                    else:
                        self._json(200, fake.completion(body))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                for piece in fake.pieces():
                    self.wfile.write(f"data: {json.dumps(fake.chunk(body, piece))}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(f"data: {json.dumps(fake.chunk(body, None, finish='stop'))}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def pieces(self) -> list[str]:
        words = self.answer.split(" ")
        return [word + (" " if index < len(words) - 1 else "") for index, word in enumerate(words)]

    def completion(self, body: dict) -> dict:
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": self.answer}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62},
        }

    def chunk(self, body: dict, piece: str | None, finish: str | None = None) -> dict:
        delta = {"content": piece} if piece is not None else {}
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "test-model"),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
