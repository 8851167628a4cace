"""Shops on Tousu: a shop applies with its licence, staff decide, the consumer agrees to
share with it (a consent of its own) and it receives the complaint."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.membership import decide_shop_application
from actions.respondents import consent_to_shop
from respondents.models import Delivery, Member, Organisation, ShopApplication, ShopConsent

from ..conftest import png_upload
from .conftest import make_member, make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]


def apply(client, user, pinduoduo, licence, name="好物小店"):
    client.force_login(user)
    return client.post(
        reverse("respondents:apply"),
        {
            "platform": pinduoduo.pk,
            "name": name,
            "shop_page": "https://mobile.yangkeduo.com/shop/1",
            "licence": licence,
        },
    )


def test_a_licence_that_is_not_an_image_is_refused_next_to_the_field_and_nothing_is_stored(client, consumer, pinduoduo):
    fake = SimpleUploadedFile("licence.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = apply(client, consumer, pinduoduo, fake)
    assert response.status_code == 400
    assert response.context["form"].errors["licence"]
    assert "好物小店" in response.content.decode()  # what was typed is kept
    assert not ShopApplication.objects.exists()


def test_a_licence_is_sanitised_then_staff_approve_and_the_applicant_manages_the_shop(
    client, consumer, pinduoduo, staff_user, django_capture_on_commit_callbacks
):
    # After commit the images task is published (eager in tests: it runs here).
    with django_capture_on_commit_callbacks(execute=True):
        assert apply(client, consumer, pinduoduo, png_upload("licence.png")).status_code == 302
    application = ShopApplication.objects.get()
    # The images task ran (eager in tests): a clean copy, the raw upload gone.
    assert application.state == ShopApplication.State.WAITING
    assert application.licence and not application.licence_upload
    with application.licence.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"  # re-encoded by complaints.images
    decide_shop_application(application, approve=True, reason="营业执照与店铺一致", staff_user=staff_user)
    shop = Organisation.objects.get(kind=Organisation.Kind.SHOP)
    assert shop.has_joined and shop.platform == pinduoduo
    assert Member.objects.get(user=consumer).role == Member.Role.MANAGER


def test_a_refused_application_says_why(client, consumer, pinduoduo, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, consumer, pinduoduo, png_upload("licence.png"))
    application = ShopApplication.objects.get()
    decide_shop_application(application, approve=False, reason="执照名称与店铺不符", staff_user=staff_user)
    application.refresh_from_db()
    assert application.state == ShopApplication.State.REFUSED and application.reason == "执照名称与店铺不符"
    assert not Organisation.objects.filter(kind=Organisation.Kind.SHOP).exists()


def test_the_consumer_agrees_to_share_with_the_shop_they_named_and_it_is_delivered(
    client, consumer, make_complaint, pinduoduo, django_user_model, pdd_agent
):
    shop = make_organisation(pinduoduo, slug="pdd-haowu", kind=Organisation.Kind.SHOP, name="好物小店")
    shop_agent = make_member(django_user_model, shop, "agent@haowu.example")
    complaint = make_complaint(shop_name="好物小店")
    client.force_login(consumer)
    page = client.get(complaint.get_absolute_url()).content.decode()
    share = reverse("respondents:share_with_shop", args=[complaint.reference, shop.slug])
    assert share in page  # offered, with its own consent text
    assert client.post(share).status_code == 302
    consent = ShopConsent.objects.get(complaint=complaint, organisation=shop)
    assert "好物小店" in consent.text
    assert Delivery.objects.filter(complaint=complaint, organisation=shop).exists()
    # The shop's member and the platform's member both see it; no other shop does.
    for member in (shop_agent, pdd_agent):
        client.force_login(member)
        assert client.get(reverse("respondents:complaint", args=[complaint.reference])).status_code == 200
    other = make_organisation(pinduoduo, slug="pdd-other", kind=Organisation.Kind.SHOP, name="别家店")
    client.force_login(make_member(django_user_model, other, "agent@other.example"))
    assert client.get(reverse("respondents:complaint", args=[complaint.reference])).status_code == 404


def test_a_shop_not_offered_on_the_page_cannot_be_shared_with(client, consumer, make_complaint, pinduoduo):
    shop = make_organisation(pinduoduo, slug="pdd-haowu", kind=Organisation.Kind.SHOP, name="好物小店")
    complaint = make_complaint(shop_name="另一家店")
    client.force_login(consumer)
    response = client.post(reverse("respondents:share_with_shop", args=[complaint.reference, shop.slug]))
    assert response.status_code == 404
    assert not ShopConsent.objects.exists()
    with pytest.raises(ValueError):
        consent_to_shop(complaint, make_organisation(pinduoduo, slug="x", joined=False, kind="shop"), user=consumer)
