"""Hostile and absurd values in the complaint form: each refused next to its field,
with what was typed kept and nothing stored, or stored verbatim and harmless."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from complaints.models import Complaint, Evidence

from .test_filing import form_post

pytestmark = pytest.mark.django_db

SQL_METACHARACTERS = [
    "'; DROP TABLE complaints_complaint; --",
    '" OR 1=1 --',
    "%' UNION SELECT password FROM auth_user --",
    "\\'; SELECT pg_sleep(5); --",
]


@pytest.mark.parametrize("text", SQL_METACHARACTERS)
def test_sql_metacharacters_are_stored_verbatim_and_change_nothing_else(client, consumer, pinduoduo, text):
    client.force_login(consumer)
    response = client.post(
        reverse("complaints:new"),
        form_post(
            pinduoduo, action="submit", shop_name=text, contact_name=text[:60], description=text + " " * 5 + text
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.shop_name == text and complaint.contact_name == text[:60]
    assert "complaints_complaint" in connection.introspection.table_names()
    assert text in client.get(complaint.get_absolute_url()).content.decode().replace("&#x27;", "'").replace(
        "&quot;", '"'
    )


@pytest.mark.parametrize("text", SQL_METACHARACTERS)
def test_sql_metacharacters_in_the_staff_search_find_nothing_and_break_nothing(
    client, staff_user, make_complaint, consumer, text
):
    from django.contrib.auth.models import Group

    from staff.roles import SUPERVISOR, create_staff_groups

    make_complaint(consumer)
    create_staff_groups()
    staff_user.groups.add(Group.objects.get(name=SUPERVISOR))
    client.force_login(staff_user)
    response = client.post(reverse("admin:complaints_complaint_search"), {"q": text}, follow=True)
    assert response.status_code == 200
    assert Complaint.objects.count() == 1


LIMITS = {
    "order_number": 60,
    "shop_name": 120,
    "description": 5000,
    "desired_outcome_detail": 500,
    "contact_name": 60,
    "contact_email": 254,
}


@pytest.mark.parametrize("field", LIMITS)
def test_an_overlong_value_is_refused_next_to_its_field_and_kept(client, consumer, pinduoduo, field):
    value = "长" * (LIMITS[field] + 1)
    if field == "contact_email":
        value = "a" * 250 + "@example.com"
    client.force_login(consumer)
    response = client.post(
        reverse("complaints:new"), form_post(pinduoduo, action="submit", **{field: value}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["form"].data[field] == value  # kept for the consumer to shorten
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "amount",
    ["0", "-0.01", "-5", "1e9", "NaN", "Infinity", "99999999999", "10000000.01", "12.345", "1.2.3", "abc", ""],
)
def test_absurd_amounts_are_refused_next_to_the_field(client, consumer, pinduoduo, amount):
    client.force_login(consumer)
    response = client.post(reverse("complaints:new"), form_post(pinduoduo, action="submit", amount=amount))
    assert list(response.context["form"].errors) == ["amount"]
    assert response.context["form"].errors["amount"][0]  # a message, in Chinese by default
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("0.01", "0.01"), ("¥1,299.00", "1299.00"), ("１２９９元", "1299"), ("10000000", "10000000")],
)
def test_real_amounts_as_people_write_them_are_accepted(client, consumer, pinduoduo, amount, stored):
    client.force_login(consumer)
    response = client.post(reverse("complaints:new"), form_post(pinduoduo, action="submit", amount=amount))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert complaint.amount == Decimal(stored)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_phone", "+1 415 555 0100"),
        ("contact_phone", "1391234567"),
        ("contact_phone", "010-12345678"),
        ("contact_phone", "<script>alert(1)</script>"),
        ("contact_email", "a@b"),
        ("contact_email", "a@@example.com"),
        ("contact_email", "<script>@example.com"),
        ("contact_email", "owner@example.com\r\nBcc: victim@example.com"),
        ("order_date", "2026-02-30"),
        ("order_date", "1999-12-31"),
        ("order_date", "2999-01-01"),
        ("order_number", "'; DROP TABLE x; --"),
        ("platform", "999999"),
        ("category", "<script>"),
        ("desired_outcome", "everything"),
        ("submission_token", "not-a-uuid"),
    ],
)
def test_malformed_values_are_refused_next_to_their_field(client, consumer, pinduoduo, field, value):
    client.force_login(consumer)
    data = {**form_post(pinduoduo, action="submit"), field: value}
    response = client.post(reverse("complaints:new"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
