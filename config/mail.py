"""Development mail backend: every message is kept as a file and shown on the console."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    """Write each message to EMAIL_FILE_PATH (var/mail) and echo it to stdout,
    so `make run` needs no mail server and a developer can still click the links."""

    def write_message(self, message):
        super().write_message(message)
        data = message.message().as_bytes(linesep="\n").decode("utf-8", errors="replace")
        sys.stdout.write(f"{data}\n{'-' * 79}\n")
        sys.stdout.flush()
