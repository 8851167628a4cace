"""schemathesis against the OpenAPI document a real gunicorn serves: every operation,
no 500, every response (problem details included) conforms to the schema."""

import subprocess

import pytest

from actions.respondent_admin import create_token
from tests.conftest import require_postgresql_and_redis
from tests.services import ROOT, Web

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = ROOT / ".venv" / "bin" / "schemathesis"


def test_every_operation_conforms_to_the_served_schema_and_never_errors(tmp_path, make_complaint, pdd_respondent):
    require_postgresql_and_redis("gunicorn reads the test database")
    complaint = make_complaint()
    # Every {reference} is this delivered complaint, so the fuzzer reads, acknowledges
    # and answers a real one (random references would only ever meet the 404).
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\n"path.reference" = "{complaint.reference}"\n')
    _token, secret = create_token(pdd_respondent, purpose="schemathesis", scopes=["read", "answer"])
    web = Web(
        tmp_path / "web",
        {
            "CACHE_URL": "redis://127.0.0.1:6379/6",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "CELERY_BROKER_URL": "memory://",
            # The fuzzer sends hundreds of requests a minute with one token.
            "API_RATE_PER_TOKEN": "100000/minute",
        },
    )
    web.start()
    try:
        run = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{web.url}/api/v1/openapi.json"]
            + ["--header", f"Authorization: Bearer {secret}", "--checks", "all"]
            + ["--max-examples", "25", "--seed", "20", "--request-timeout", "10"]
            + ["--suppress-health-check", "all"]
            # "A schema-valid value must be accepted" cannot hold for the opaque `cursor`:
            # any string is schema-valid, only the ones the API gave are cursors (a
            # documented 400 otherwise). Every other check runs.
            + ["--exclude-checks", "positive_data_acceptance"],
            capture_output=True,
            text=True,
            timeout=500,
            cwd=tmp_path,
        )
    finally:
        web.kill()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout or "passed" in run.stdout
    complaint.refresh_from_db()
    assert complaint.answers.exists(), "the fuzzer never reached a real complaint"
