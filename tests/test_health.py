"""/healthz and /readyz against real services: PostgreSQL, our own Redis (broker and
cache), the local evidence folder or moto's S3 server; and against dead ones."""

import json
import socket
import time

import pytest
from django.test import Client

from config.evidence_storage import evidence_storage_settings
from tests.conftest import require_postgresql_and_redis
from tests.services import S3_TEST_CREDENTIALS, free_port, redis_server, s3_server

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis("readiness asks the real database")


@pytest.fixture
def redis_services(settings):
    """Broker and cache on our own Redis, as in production."""
    with redis_server() as url:
        settings.CELERY_BROKER_URL = url
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = settings.REDIS_BROKER_TRANSPORT_OPTIONS
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
        yield url


def probe(path, **extra):
    """As a load balancer asks: plain HTTP, a Host the site does not serve."""
    started = time.monotonic()
    response = Client(HTTP_HOST="10.0.3.17:8000").get(path, **extra)
    return response, json.loads(response.content), time.monotonic() - started


def test_healthz_answers_while_the_process_is_up_without_touching_a_service(settings, django_assert_num_queries):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.SECURE_SSL_REDIRECT = True
    with django_assert_num_queries(0):
        response, body, _elapsed = probe("/healthz")
    assert response.status_code == 200
    assert body == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_database_broker_cache_and_evidence_folder_answer(redis_services, settings):
    settings.SECURE_SSL_REDIRECT = True  # probes come over plain HTTP: never redirected
    response, body, elapsed = probe("/readyz")
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "broker": "ok", "cache": "ok", "evidence_storage": "ok"},
    }
    assert elapsed < 2
    assert "Set-Cookie" not in response.headers  # no session opened for a probe


def test_readyz_names_the_broker_when_nothing_listens_on_its_port(redis_services, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response, body, elapsed = probe("/readyz")
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"] == "OperationalError"
    assert {name: body["checks"][name] for name in ("database", "cache", "evidence_storage")} == {
        "database": "ok",
        "cache": "ok",
        "evidence_storage": "ok",
    }
    assert elapsed < 3
    assert "127.0.0.1" not in response.content.decode()  # class names only, no addresses


def test_readyz_gives_up_on_a_broker_that_accepts_but_never_answers(redis_services, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the backlog; nothing ever replies
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        response, body, elapsed = probe("/readyz")
    assert response.status_code == 503
    assert body["failed"] == ["broker"]
    assert elapsed < 3.5


def test_readyz_names_the_cache_when_its_redis_is_gone(redis_services, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response, body, _elapsed = probe("/readyz")
    assert response.status_code == 503
    assert body["failed"] == ["cache"]


def test_readyz_checks_the_evidence_bucket_without_writing_to_it(redis_services, monkeypatch, settings):
    import boto3

    with s3_server("tousu-evidence-ready") as endpoint:
        for key, value in {
            **S3_TEST_CREDENTIALS,
            "EVIDENCE_S3_ENDPOINT_URL": endpoint,
            "EVIDENCE_S3_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(key, value)

        def use_bucket(name):
            monkeypatch.setenv("EVIDENCE_S3_BUCKET", name)
            # Through the settings, as a deployment sets it: /readyz checks STORAGES["evidence"].
            settings.STORAGES = {
                **settings.STORAGES,
                "evidence": evidence_storage_settings(default_root="/nonexistent"),
            }

        use_bucket("tousu-evidence-ready")
        response, body, _elapsed = probe("/readyz")
        assert response.status_code == 200 and body["failed"] == []
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        assert client.list_objects_v2(Bucket="tousu-evidence-ready").get("KeyCount") == 0

        use_bucket("no-such-bucket")
        response, body, _elapsed = probe("/readyz")
        assert response.status_code == 503
        assert body["failed"] == ["evidence_storage"]
        assert body["checks"]["evidence_storage"] == "ClientError"
