"""Who the paperwork names, and the route clocks' measure: the operator companies live
in the directory (channels.OperatorCompany) and a 12315 clock of a complaint filed under
Order 121 is marked provisional, with the reason."""

import datetime as dt

import pytest

from channels import loader
from channels.models import OperatorCompany
from escalation.clocks import route_policy
from escalation.directory import platform_operator

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_the_directory_holds_each_platforms_operator_company_unconfirmed(pinduoduo, taobao):
    loader.load(loader.read_data())
    operator = platform_operator(pinduoduo)
    assert operator.name == "上海寻梦信息技术有限公司"
    assert not operator.is_confirmed("name")
    assert platform_operator(taobao).name == "浙江淘宝网络有限公司"


def test_a_route_clock_uses_the_measure_in_force_on_the_filing_day(policies):
    before = route_policy("acceptance", dt.datetime(2026, 4, 14, 23, 0, tzinfo=BEIJING))
    after = route_policy("acceptance", dt.datetime(2026, 4, 15, 0, 30, tzinfo=BEIJING))
    assert before.slug == "12315-acceptance" and not before.provisional_reason
    assert after.slug == "12315-acceptance-order-121"
    assert "第121号" in after.provisional_reason and after.due_after == 7


def test_a_credit_code_must_have_the_shape_of_gb_32100():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OperatorCompany.objects.create(name="某公司", credit_code="12345")
