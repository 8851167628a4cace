"""complaints' pages are assembled from outside (pages.complaint_page through
complaints.extensions): complaints' templates name no template of reading or
escalation, and what shows in a slot is exactly what was registered there."""

import pytest
from django.urls import reverse

from complaints import extensions

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-25 10:00")]


def test_the_complaint_page_shows_the_registered_parts_in_order(client, consumer, make_complaint):
    complaint = make_complaint(consumer, images=1)
    client.force_login(consumer)
    html = client.get(complaint.get_absolute_url()).content.decode()
    # reading's sharing panel, then escalation's deadlines, as pages.complaint_page orders them.
    assert 0 < html.index('id="sharing-platform"') < html.index('id="deadlines"')


def test_without_the_parts_complaints_pages_show_nothing_of_reading_or_escalation(
    client, consumer, make_complaint, monkeypatch
):
    complaint = make_complaint(consumer, images=1)
    monkeypatch.setattr(extensions, "_parts", {slot: [] for slot in extensions.SLOTS})
    monkeypatch.setattr(extensions, "_filing_aid", [])
    client.force_login(consumer)
    detail = client.get(complaint.get_absolute_url())
    form = client.get(reverse("complaints:new"))
    assert detail.status_code == form.status_code == 200
    html = detail.content.decode()
    assert 'id="deadlines"' not in html and 'id="sharing-platform"' not in html
    assert 'class="platform-aside"' in form.content.decode()  # the page itself still renders


def test_a_part_for_a_slot_complaints_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no slot"):
        extensions.add_part("detail.sidebar", "reading/_sharing.html")
