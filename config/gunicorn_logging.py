"""gunicorn's access log with the path redacted (core.logpaths): the plain log format
writes %(U)s, and a key in it (a password reset, a mute link) would sit in the log."""

from gunicorn.glogging import Logger

from core.logpaths import loggable_path


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = loggable_path(atoms.get("U", ""))
        atoms["r"] = "-"  # the request line repeats the path (and the query string)
        return atoms
