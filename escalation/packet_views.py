"""The escalation packet (filled in step by step)."""

from django.http import Http404


def packet_start(request, reference):
    raise Http404


def packet(request, reference, body):
    raise Http404


def packet_zip(request, reference, body):
    raise Http404


def packet_timeline(request, reference, body):
    raise Http404


def record_escalation(request, reference):
    raise Http404
