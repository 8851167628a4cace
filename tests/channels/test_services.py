import datetime as dt

import pytest

from channels import services, tasks
from channels.levels import Level
from channels.models import Channel, VerificationEvent
from notifications.models import OutboundEmail


@pytest.fixture
def hotline(directory):
    return Channel.objects.get(body__slug="pinduoduo", normalised="4008822528")


def test_official_needs_a_staff_member(hotline, consumer):
    with pytest.raises(services.VerificationRefused):
        services.set_verification(
            hotline, level=Level.OFFICIAL, source="the app", checked_on=dt.date(2026, 11, 1), recorded_by="x"
        )
    with pytest.raises(services.VerificationRefused):
        services.set_verification(
            hotline,
            level=Level.OFFICIAL,
            source="the app",
            checked_on=dt.date(2026, 11, 1),
            checked_by=consumer,
            recorded_by="x",
        )
    hotline.refresh_from_db()
    assert hotline.level == Level.CORROBORATED


def test_official_needs_a_source(hotline, staff_user):
    with pytest.raises(services.VerificationRefused):
        services.set_verification(
            hotline,
            level=Level.OFFICIAL,
            source=" ",
            checked_on=dt.date(2026, 11, 1),
            checked_by=staff_user,
            recorded_by="x",
        )


@pytest.mark.parametrize("level", [Level.DISPUTED, Level.WRONG])
def test_disputed_and_wrong_need_a_reason(hotline, staff_user, level):
    with pytest.raises(services.VerificationRefused):
        services.set_verification(
            hotline,
            level=level,
            source="a call",
            checked_on=dt.date(2026, 11, 1),
            checked_by=staff_user,
            recorded_by="x",
        )


def test_every_level_change_is_kept_as_history(hotline, staff_user):
    services.set_verification(
        hotline,
        level=Level.OFFICIAL,
        source="Pinduoduo app",
        checked_on=dt.date(2026, 11, 1),
        checked_by=staff_user,
        recorded_by=staff_user.username,
    )
    services.set_verification(
        hotline,
        level=Level.WRONG,
        source="called it",
        checked_on=dt.date(2026, 11, 2),
        checked_by=staff_user,
        note="now answered by a shop",
        recorded_by=staff_user.username,
    )
    history = list(hotline.verification_events.order_by("pk").values_list("from_level", "to_level", "checked_by"))
    assert history == [
        ("", Level.CORROBORATED, None),
        (Level.CORROBORATED, Level.OFFICIAL, staff_user.pk),
        (Level.OFFICIAL, Level.WRONG, staff_user.pk),
    ]


def test_setting_the_same_verification_again_adds_no_history(hotline):
    before = VerificationEvent.objects.count()
    changed = services.set_verification(
        hotline,
        level=hotline.level,
        source=hotline.source,
        checked_on=hotline.checked_on,
        note=hotline.verification_note,
        recorded_by="x",
    )
    assert not changed and VerificationEvent.objects.count() == before


@pytest.mark.frozen_at(dt.datetime(2027, 6, 1, 10, 0, tzinfo=dt.UTC))
def test_verifications_older_than_the_configured_age_are_stale(hotline, settings):
    # Loaded as checked on 2026-11-21: 192 days before 2027-06-01.
    assert hotline in services.stale_channels()
    settings.CHANNELS_STALE_AFTER_DAYS = 200
    assert hotline not in services.stale_channels()


@pytest.mark.frozen_at(dt.datetime(2027, 6, 1, 10, 0, tzinfo=dt.UTC))
def test_stale_hours_make_their_channel_stale(hotline, staff_user):
    fresh_date = dt.date(2027, 5, 30)
    taobao_line = Channel.objects.get(normalised="057188158198")
    services.set_verification(
        taobao_line,
        level=Level.CORROBORATED,
        source="two lists",
        checked_on=fresh_date,
        checked_by=staff_user,
        recorded_by="x",
    )
    assert taobao_line in services.stale_channels()  # its hours still date from 2026-11-21


@pytest.mark.frozen_at(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
def test_nothing_stale_sends_no_email(directory, staff_user):
    assert tasks.email_stale_verifications() == 0
    assert not OutboundEmail.objects.exists()


@pytest.mark.frozen_at(dt.datetime(2027, 6, 1, 10, 0, tzinfo=dt.UTC))
def test_weekly_stale_list_goes_to_staff_once_a_week_in_their_language(directory, staff_user, consumer, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["desk@example.com", "AGENT@example.com"]
    from accounts.models import remember_language

    remember_language(staff_user, "en")
    assert tasks.email_stale_verifications() == 2
    assert tasks.email_stale_verifications() == 0  # a second run in the same week
    emails = {email.to: email for email in OutboundEmail.objects.all()}
    assert set(emails) == {"agent@example.com", "desk@example.com"}  # staff only, each address once

    english = emails["agent@example.com"]
    stale_count = services.stale_channels().count()
    assert english.subject == f"[Tousu] {stale_count} contacts to check again"
    assert "400-8822-528" in english.body_text and "checked 2026-11-21" in english.body_text
    assert "/admin/channels/channel/?age=stale" in english.body_text
    assert "400-8822-528" in english.body_html and "Pinduoduo" in english.body_html

    chinese = emails["desk@example.com"]
    assert "拼多多" in chinese.body_text and "400-8822-528" in chinese.body_html
    assert "核实" in chinese.subject
