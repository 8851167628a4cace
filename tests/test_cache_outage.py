"""With the shared cache (Redis) down: filing still works, sign-in says "please try
again shortly" with a 503, and nothing answers 500. Against a real redis-server that the
test starts on its own port and then stops."""

import pytest
from django.urls import reverse

from complaints.models import Complaint
from core.ratelimits import CACHE_FAILURES

from .conftest import png_upload, require_postgresql_and_redis
from .services import redis_server
from .test_filing import form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_cache(settings):
    """The cache was a real Redis a moment ago; now its server is gone."""
    # With the services (the PostgreSQL run): a redis-server of its own, which the
    # faketime run's clock would also confuse.
    require_postgresql_and_redis("starts its own redis-server")
    with redis_server() as url:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        from django.core.cache import cache

        cache.set("alive", 1)
        assert cache.get("alive") == 1
    return settings.CACHES


def failures(group):
    return CACHE_FAILURES.labels(group=group)._value.get()


def test_filing_with_screenshots_works_while_the_cache_is_down(client, consumer, pinduoduo, dead_cache):
    before = failures("file-complaint"), failures("stage-evidence")
    client.force_login(consumer)
    response = client.post(
        reverse("complaints:new"),
        {**form_post(pinduoduo), "action": "submit", "evidence_files": [png_upload("a.png"), png_upload("b.png")]},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.evidence.count() == 2
    # Failed open, logged and counted, once per check.
    assert failures("file-complaint") == before[0] + 1 and failures("stage-evidence") == before[1] + 2


def test_sign_in_while_the_cache_is_down_is_a_503_asking_to_try_again(client, consumer, dead_cache):
    response = client.post(reverse("account_login"), {"login": consumer.email, "password": "pw-Secret-2026"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "请稍后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session  # failed closed: not signed in


def test_the_per_process_count_keeps_the_rate_while_the_cache_is_away():
    from core.ratelimits import _fallback_over

    over = [_fallback_over("test-group", "k", "3/m", now=100.0 + i) for i in range(5)]
    assert over == [False, False, False, True, True]
    assert _fallback_over("test-group", "k", "3/m", now=200.0) is False  # the window moved on
