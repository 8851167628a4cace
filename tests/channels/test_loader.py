import copy
import datetime as dt
import io

import pytest
from django.core.management import call_command

from channels import loader
from channels.levels import Level
from channels.models import Body, Channel, ServiceHours, VerificationEvent
from channels.services import set_verification


def load_again():
    call_command("load_channels", stdout=io.StringIO())


def channel(body, normalised):
    return Channel.objects.get(body__slug=body, normalised=normalised)


# Every contact claim of the seed files and the other numbers channels.json reviews,
# with the level and source it was given.
@pytest.mark.parametrize(
    ("body", "normalised", "level", "source"),
    [
        ("pinduoduo", "02133598500", Level.UNCONFIRMED, "000_c7adf48eedc4de3e.txt"),
        ("pinduoduo", "02133590500", Level.UNCONFIRMED, "000_c7adf48eedc4de3e.txt"),
        ("pinduoduo", "4000123456", Level.WRONG, "001_754fd5e4d6673f70.txt"),
        ("pinduoduo", "4008822888", Level.UNCONFIRMED, "002_c6ddd7a2fbfd9282.txt"),
        ("pinduoduo", "pinduoduo@service.pinduoduo.com", Level.UNCONFIRMED, "002_c6ddd7a2fbfd9282.txt"),
        ("pinduoduo", "95188", Level.WRONG, "002_c6ddd7a2fbfd9282.txt"),
        ("taobao", "12306", Level.WRONG, "003_f0516a5cedccd739.txt"),
        ("12315", "12315", Level.CORROBORATED, "003_f0516a5cedccd739.txt"),
        ("12315", "12315.cn", Level.CORROBORATED, "many independent sources"),
        ("pinduoduo", "02153395288", Level.UNCONFIRMED, "suyamarketing.com/news/86271.html"),
        ("pinduoduo", "02153395088", Level.UNCONFIRMED, "suyamarketing.com/news/86271.html"),
        ("pinduoduo", "4008822528", Level.CORROBORATED, "metowolf/vCards"),
        ("taobao", "9510211", Level.CORROBORATED, "metowolf/vCards"),
        ("taobao", "057188158198", Level.CORROBORATED, "metowolf/vCards"),
        ("tmall", "4008608608", Level.UNCONFIRMED, "community contact list"),
        ("alipay", "95188", Level.CORROBORATED, "支付宝.yaml"),
        ("cca", "cca.cn", Level.CORROBORATED, "www.cca.cn/En/AboutUs.html"),
        ("heimao", "tousu.sina.com.cn", Level.CORROBORATED, "several sources"),
    ],
)
def test_every_claim_is_loaded_with_the_level_and_source_of_the_reference_facts(
    directory, body, normalised, level, source
):
    loaded = channel(body, normalised)
    assert loaded.level == level
    assert source in loaded.source


@pytest.mark.parametrize(
    ("body", "normalised", "level", "opens", "closes", "source"),
    [
        ("pinduoduo", "02133598500", Level.UNCONFIRMED, "09:00", "20:00", "000_c7adf48eedc4de3e.txt"),
        ("pinduoduo", "4008822888", Level.UNCONFIRMED, "08:00", "24:00", "002_c6ddd7a2fbfd9282.txt"),
        ("pinduoduo", "02153395288", Level.UNCONFIRMED, "09:00", "22:00", "suyamarketing.com"),
    ],
)
def test_hours_are_loaded_with_their_own_verification(directory, body, normalised, level, opens, closes, source):
    hours = channel(body, normalised).hours
    assert hours.level == level and source in hours.source
    assert hours.schedule["weekly"][0]["opens"] == opens and hours.schedule["weekly"][0]["closes"] == closes


def test_wrong_claims_name_their_real_owner(directory):
    assert channel("pinduoduo", "95188").belongs_to.slug == "alipay"
    assert channel("taobao", "12306").belongs_to.slug == "china-railway"
    placeholder = channel("pinduoduo", "4000123456")
    assert placeholder.belongs_to is None and placeholder.wrong_reason == Channel.WrongReason.PLACEHOLDER


def test_platform_bodies_are_linked_to_the_complaint_platforms(directory):
    assert {body.platform.slug for body in Body.objects.filter(kind=Body.Kind.PLATFORM)} == {
        "pinduoduo",
        "taobao",
        "tmall",
    }


def test_nothing_is_loaded_as_official(directory):
    assert not Channel.objects.filter(level=Level.OFFICIAL).exists()
    assert not ServiceHours.objects.filter(level=Level.OFFICIAL).exists()


def test_each_loaded_verification_starts_its_history(directory):
    event = VerificationEvent.objects.get(channel=channel("pinduoduo", "4008822528"), subject="channel")
    assert (event.from_level, event.to_level, event.recorded_by) == ("", Level.CORROBORATED, "load_channels")


def test_running_the_loader_again_changes_nothing(directory):
    before = {
        "bodies": list(Body.objects.order_by("pk").values()),
        "channels": list(Channel.objects.order_by("pk").values()),
        "hours": list(ServiceHours.objects.order_by("pk").values()),
        "events": VerificationEvent.objects.count(),
    }
    load_again()
    after = {
        "bodies": list(Body.objects.order_by("pk").values()),
        "channels": list(Channel.objects.order_by("pk").values()),
        "hours": list(ServiceHours.objects.order_by("pk").values()),
        "events": VerificationEvent.objects.count(),
    }
    for rows in (before["channels"], after["channels"]):
        for row in rows:
            row.pop("updated_at")
    assert after == before


def test_a_rerun_never_downgrades_an_official_verification(directory, staff_user):
    hotline = channel("pinduoduo", "4008822528")
    set_verification(
        hotline,
        level=Level.OFFICIAL,
        source="Pinduoduo app, 我的 → 官方客服, screenshot 2026-11-20",
        checked_on=dt.date(2026, 11, 20),
        checked_by=staff_user,
        recorded_by=staff_user.username,
    )
    load_again()
    hotline.refresh_from_db()
    assert hotline.level == Level.OFFICIAL and hotline.checked_by == staff_user
    assert hotline.source.startswith("Pinduoduo app")
    assert hotline.verification_events.filter(recorded_by="load_channels").count() == 1  # only the first load


def test_a_rerun_keeps_a_lower_level_a_staff_member_set(directory, staff_user):
    hotline = channel("taobao", "9510211")
    set_verification(
        hotline,
        level=Level.DISPUTED,
        source="called it 2026-11-20: recorded message names another company",
        checked_on=dt.date(2026, 11, 20),
        checked_by=staff_user,
        note="answered by a different company",
        recorded_by=staff_user.username,
    )
    load_again()
    hotline.refresh_from_db()
    assert hotline.level == Level.DISPUTED


def test_a_rerun_keeps_staff_hours_verification(directory, staff_user):
    hours = channel("taobao", "057188158198").hours
    set_verification(
        hours,
        level=Level.OFFICIAL,
        source="taobao.com contact page",
        checked_on=dt.date(2026, 11, 20),
        checked_by=staff_user,
        recorded_by=staff_user.username,
    )
    load_again()
    hours.refresh_from_db()
    assert hours.level == Level.OFFICIAL


def test_a_reviewed_file_change_updates_entries_no_staff_member_holds(directory):
    data = copy.deepcopy(loader.read_data())
    tmall = next(body for body in data["bodies"] if body["slug"] == "tmall")
    tmall["channels"][0].update(level="disputed", note="a second list gives another number")
    report = loader.load(data)
    assert report.verified == 1
    assert channel("tmall", "4008608608").level == Level.DISPUTED


def test_a_rerun_keeps_what_staff_edited_in_the_admin(directory):
    body = Body.objects.get(slug="tmall")
    body.notes_en = "Edited by staff."
    body.save()
    load_again()
    body.refresh_from_db()
    assert body.notes_en == "Edited by staff."


def test_a_data_file_claiming_official_is_refused(db):
    data = copy.deepcopy(loader.read_data())
    data["bodies"][0]["channels"][0]["level"] = "official"
    with pytest.raises(loader.DataFileError):
        loader.validate(data)


def test_a_data_file_marking_something_wrong_without_a_reason_is_refused(db):
    data = copy.deepcopy(loader.read_data())
    data["bodies"][2]["channels"][0].update(level="wrong", note="")
    with pytest.raises(loader.DataFileError):
        loader.validate(data)
