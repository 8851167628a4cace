"""/metrics for Prometheus: request metrics (django-prometheus) and Tousu's own.

Tousu's figures are read from PostgreSQL at scrape time, so they are the same whichever
web process answers and include what the workers did: complaints filed, emails by
outcome, deadline clocks overdue, evidence waiting to be sanitised, and how long the
last deadline sweep took. Each is one indexed or aggregate query; scrape every 15 s or
slower. No figure carries personal data, and no label holds an identifier.

Reachable only with `Authorization: Bearer <METRICS_TOKEN>` or from an address in
METRICS_ALLOWED_IPS (addresses or networks); anyone else gets a bare 404. With
neither set, the endpoint is off. It is answered before host validation (Prometheus
scrapes by address), like the health endpoints.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from complaints.models import Complaint, Evidence
from core.clients import client_ip
from escalation.models import Clock
from notifications.models import OutboundEmail

from .models import PeriodicRun

PATH = "/metrics"


class TousuCollector:
    """Tousu's own metrics, computed when scraped."""

    def collect(self):
        yield CounterMetricFamily("tousu_complaints_filed", "Complaints filed.", value=Complaint.objects.count())
        emails = CounterMetricFamily("tousu_emails", "Emails in the outbox, by outcome.", labels=["status"])
        by_status = dict(OutboundEmail.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in OutboundEmail.Status.values:
            emails.add_metric([status], by_status.get(status, 0))
        yield emails
        yield GaugeMetricFamily(
            "tousu_overdue_clocks",
            "Running deadline clocks past their due time.",
            value=Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=timezone.now()).count(),
        )
        yield GaugeMetricFamily(
            "tousu_evidence_pending",
            "Uploaded evidence waiting to be sanitised.",
            value=Evidence.objects.filter(state=Evidence.State.PENDING).count(),
        )
        runs = {run.task: run for run in PeriodicRun.objects.all()}
        sweep = runs.get("escalation.tasks.sweep_deadlines")
        if sweep is not None and sweep.duration is not None:
            yield GaugeMetricFamily(
                "tousu_sweep_duration_seconds", "How long the last deadline sweep took.", value=sweep.duration
            )
        finished = GaugeMetricFamily(
            "tousu_periodic_task_last_success_timestamp_seconds",
            "When each watched periodic task last finished without error.",
            labels=["task"],
        )
        for task, run in sorted(runs.items()):
            finished.add_metric([task], run.finished_at.timestamp())
        yield finished


def may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


def exposition() -> bytes:
    """The process's (or, under gunicorn with PROMETHEUS_MULTIPROC_DIR, every web
    process's) request metrics, then Tousu's own."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    ours = CollectorRegistry()
    ours.register(TousuCollector())
    return generate_latest(requests) + generate_latest(ours)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or not may_scrape(request):
            # As if there were nothing here (the Host may not even be one the site serves).
            return HttpResponseNotFound()
        response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
        response["Cache-Control"] = "no-store"
        return response
