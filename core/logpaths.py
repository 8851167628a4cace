"""The path as a log may hold it: every segment that could be a secret is redacted.

Password-reset and email-confirmation keys, mute links, contact-confirmation tokens,
respondents' invitation keys and signed evidence links are path segments. Both request
logs (gunicorn's access log, through config.gunicorn_logging, and the JSON line of
config.observability) write the path, so both pass it through `loggable_path`. A
segment is redacted when it looks like a key: a signed value (it has a colon), or 20
characters and more. References (TS-20261121-0042), slugs and short ids stay.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
_SECRET_SHAPED = re.compile(r"^(?=.*:)|^.{20,}$")


def loggable_path(path: str) -> str:
    return "/".join(REDACTED if segment and _SECRET_SHAPED.search(segment) else segment for segment in path.split("/"))
