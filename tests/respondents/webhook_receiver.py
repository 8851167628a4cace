"""A respondent's webhook receiver, as a platform would run one: a separate process
that verifies every delivery with the `standardwebhooks` package and keeps one line per
accepted message id (a repeat is recognised by its id and acknowledged, not stored twice).

    python webhook_receiver.py PORT SECRET OUT_FILE
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PORT, SECRET, OUT = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seen: set[str] = set()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            payload = Webhook(SECRET).verify(body, headers)
        except WebhookVerificationError:
            self._answer(400, "bad signature")
            return
        message_id = headers["webhook-id"]
        repeat = message_id in seen
        seen.add(message_id)
        with open(OUT, "a", encoding="utf-8") as out:
            out.write(
                json.dumps({"id": message_id, "repeat": repeat, "type": payload["type"], "data": payload["data"]})
                + "\n"
            )
        self._answer(200, "ok")

    def _answer(self, code, text):
        self.send_response(code)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
