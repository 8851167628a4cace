import io

import pytest
from django.core.management import call_command


@pytest.fixture
def directory(db):
    """The bundled contact directory, loaded as `make run` loads it."""
    call_command("load_channels", stdout=io.StringIO())


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client
