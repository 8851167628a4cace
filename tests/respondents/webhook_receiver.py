"""A platform's webhook receiver, as its developers would write one: a small
http.server that verifies each request with the `standardwebhooks` package and records
what it saw, one JSON line per request, in the file it is given.

    python webhook_receiver.py PORT SECRET RECORD_FILE

2xx for a request whose signature verifies (also for a repeat, which it recognises by
its webhook-id and does not process twice), 400 for one that does not.
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PORT, SECRET, RECORD = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seen: set[str] = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        message_id = self.headers.get("webhook-id", "")
        try:
            payload = Webhook(SECRET).verify(body, dict(self.headers))
            verified, error = True, ""
        except WebhookVerificationError as exc:
            payload, verified, error = None, False, str(exc)
        record = {
            "id": message_id,
            "verified": verified,
            "error": error,
            "repeat": verified and message_id in seen,
            "type": payload and payload.get("type"),
            "body": body.decode("utf-8", "replace"),
            "received_at": time.time(),
        }
        if verified:
            seen.add(message_id)
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.send_response(204 if verified else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
