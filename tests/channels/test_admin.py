import datetime as dt

import pytest
import time_machine

from channels.levels import Level
from channels.models import Body, Channel
from channels.services import set_verification

from .adminforms import add_channel_in_admin

CHANGELIST = "/admin/channels/channel/"
# Staff check channels on the day of these tests: the directory is loaded, and every
# verification event written, on that day, whatever today's date is.
pytestmark = pytest.mark.frozen_at("2026-11-22 12:00")


@pytest.fixture
def hotline(directory):
    return Channel.objects.get(body__slug="pinduoduo", normalised="4008822528")


def run_action(client, action, channels, **form):
    data = {"action": action, "_selected_action": [channel.pk for channel in channels], **form}
    return client.post(CHANGELIST, data)


def test_the_action_first_asks_for_source_and_date(admin_client, hotline):
    response = run_action(admin_client, "mark_official", [hotline])
    assert response.status_code == 200
    assert 'name="source"' in response.content.decode() and 'name="checked_on"' in response.content.decode()
    hotline.refresh_from_db()
    assert hotline.level == Level.CORROBORATED


def test_marking_official_without_a_source_changes_nothing(admin_client, hotline):
    response = run_action(
        admin_client, "mark_official", [hotline], apply="1", source="", checked_on="2026-11-22", target="channel"
    )
    assert response.status_code == 200  # the form again, with its error
    hotline.refresh_from_db()
    assert hotline.level == Level.CORROBORATED


def test_marking_official_with_source_and_date_records_the_staff_member(admin_client, admin_user, hotline):
    response = run_action(
        admin_client,
        "mark_official",
        [hotline],
        apply="1",
        source="Pinduoduo app 我的 → 官方客服, screenshot",
        checked_on="2026-11-22",
        target="channel",
    )
    assert response.status_code == 302
    hotline.refresh_from_db()
    assert (hotline.level, hotline.checked_by, hotline.checked_on) == (
        Level.OFFICIAL,
        admin_user,
        dt.date(2026, 11, 22),
    )
    event = hotline.verification_events.first()
    assert (event.from_level, event.to_level, event.recorded_by) == (
        Level.CORROBORATED,
        Level.OFFICIAL,
        admin_user.username,
    )


def test_a_future_check_date_is_refused(admin_client, hotline):
    run_action(
        admin_client, "mark_official", [hotline], apply="1", source="app", checked_on="2026-12-01", target="channel"
    )
    hotline.refresh_from_db()
    assert hotline.level == Level.CORROBORATED


def test_marking_wrong_needs_a_reason(admin_client, hotline):
    run_action(
        admin_client, "mark_wrong", [hotline], apply="1", source="called it", checked_on="2026-11-22", target="channel"
    )
    hotline.refresh_from_db()
    assert hotline.level == Level.CORROBORATED
    run_action(
        admin_client,
        "mark_wrong",
        [hotline],
        apply="1",
        source="called it",
        checked_on="2026-11-22",
        note="answered by a phone shop in Shenzhen",
        target="channel",
    )
    hotline.refresh_from_db()
    assert hotline.level == Level.WRONG and hotline.verification_note == "answered by a phone shop in Shenzhen"


def test_the_action_can_verify_the_hours_alone(admin_client, directory):
    line = Channel.objects.get(normalised="057188158198")
    run_action(
        admin_client,
        "mark_official",
        [line],
        apply="1",
        source="taobao.com contact page",
        checked_on="2026-11-22",
        target="hours",
    )
    line.refresh_from_db()
    line.hours.refresh_from_db()
    assert line.level == Level.CORROBORATED and line.hours.level == Level.OFFICIAL


def test_stale_filter_lists_only_old_verifications(admin_client, hotline, admin_user):
    fresh = Channel.objects.get(normalised="9510211")
    with time_machine.travel(dt.datetime(2027, 6, 1, 4, 0, tzinfo=dt.UTC), tick=False):
        set_verification(
            fresh,
            level=Level.CORROBORATED,
            source="two lists, rechecked",
            checked_on=dt.date(2027, 5, 30),
            checked_by=admin_user,
            recorded_by="x",
        )
        admin_client.force_login(admin_user)  # the fixture's session would have expired by then
        html = admin_client.get(CHANGELIST, {"age": "stale"}).content.decode()
    assert f"/admin/channels/channel/{hotline.pk}/change/" in html
    assert f"/admin/channels/channel/{fresh.pk}/change/" not in html


def test_admin_pages_render(admin_client, hotline):
    assert admin_client.get(CHANGELIST).status_code == 200
    assert admin_client.get(f"{CHANGELIST}{hotline.pk}/change/").status_code == 200
    assert admin_client.get("/admin/channels/body/").status_code == 200
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 200


def test_a_channel_added_in_the_admin_starts_unconfirmed(admin_client, admin_user, directory):
    body = Body.objects.get(slug="tmall")
    response = add_channel_in_admin(
        admin_client, body, key="hotline-new", kind="consumer_hotline", value="400 111 2222"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Channel.objects.get(key="hotline-new")
    assert (added.level, added.normalised, added.checked_by) == (Level.UNCONFIRMED, "4001112222", admin_user)
