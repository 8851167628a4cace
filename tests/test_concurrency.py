"""Filing under concurrency, on a real PostgreSQL (row locks and unique constraints)."""

import threading
import uuid

import pytest
from django.db import connection, connections

from actions.filing import file_complaint
from complaints.models import Complaint

from .conftest import complaint_data, require_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except Exception as exc:  # reported below, never swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_simultaneous_filings_get_distinct_consecutive_references(consumer, pinduoduo):
    references = _in_threads(
        8,
        lambda i: (
            file_complaint(
                owner=consumer,
                data=complaint_data(pinduoduo),
                evidence=[],
                submission_token=uuid.uuid4(),
                language="zh-hans",
            ).reference
        ),
    )
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, 9))


def test_the_same_submission_sent_eight_times_at_once_files_one_complaint(consumer, pinduoduo):
    token = uuid.uuid4()
    references = _in_threads(
        8,
        lambda i: (
            file_complaint(
                owner=consumer, data=complaint_data(pinduoduo), evidence=[], submission_token=token, language="zh-hans"
            ).reference
        ),
    )
    assert Complaint.objects.count() == 1
    assert set(references) == {Complaint.objects.get().reference}
