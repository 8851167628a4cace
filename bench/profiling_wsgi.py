"""config.wsgi with pyinstrument around each filing POST, for bench/filing_profile.py.

gunicorn serves this module instead of config.wsgi (bench_stack(wsgi=...)); every other
request goes straight to Django. Each profiled request, its answer read to the end inside
the profile, is saved as a pyinstrument session in BENCH_PROFILE_DIR (one file per
request), to be combined afterwards. Sampling every 0.5 ms adds a few per cent to the
request: compare the time in the worker with an unprofiled run before quoting it.
"""

import itertools
import os
from pathlib import Path

from pyinstrument import Profiler

from config.wsgi import application as django_application

PROFILED = ("POST", "/complaints/new/")
OUT = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
_numbers = itertools.count()


def application(environ, start_response):
    if (environ["REQUEST_METHOD"], environ.get("PATH_INFO")) != PROFILED:
        return django_application(environ, start_response)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        answer = django_application(environ, start_response)
        try:
            body = list(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
    finally:
        session = profiler.stop()
        session.save(str(OUT / f"{os.getpid()}-{next(_numbers):05d}.pyisession"))
    return body
