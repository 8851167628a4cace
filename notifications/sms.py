"""Text messages: the approved templates, quiet hours, the providers and their receipts.

Aliyun SMS and Tencent Cloud SMS send only templates approved in advance under an
approved signature (facts.md §9): the text is theirs, we send the template code and the
values of its variables. So each message type has one template here, with the only
variables it may carry; the local text (templates/sms/<name>.txt) is what is registered
with the provider and what the files backend writes. `SMS_PROVIDER` chooses the
backend: `aliyun`, `tencent`, or `files` (var/sms/ and the console, as mail is under
`make run`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
# No text message between 21:00 and 08:00 Beijing time; a sign-in code cannot wait.
QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)


@dataclass(frozen=True)
class SmsTemplate:
    """One approved template: its type at the provider and the variables it has, in
    order (Tencent fills them by position, Aliyun by name)."""

    kind: str  # "verification" | "notification" | "marketing"
    variables: tuple[str, ...]
    quiet_hours: bool = True

    def __post_init__(self):
        # Both providers refuse variables in marketing templates.
        if self.kind == "marketing" and self.variables:
            raise ValueError("a marketing template takes no variables")


TEMPLATES: dict[str, SmsTemplate] = {
    "login_code": SmsTemplate("verification", ("code",), quiet_hours=False),
    "reminder_due_tomorrow": SmsTemplate("notification", ("reference", "stop")),
    "reminder_overdue": SmsTemplate("notification", ("reference", "stop")),
    "solved_question": SmsTemplate("notification", ("reference", "stop")),
    "respondent_answered": SmsTemplate("notification", ("reference", "stop")),
    "info_requested": SmsTemplate("notification", ("reference", "stop")),
}


class SmsSendFailed(Exception):
    """The provider refused or could not be reached. The message names the provider's
    error code only: never the number, the text or a code."""


def template_code(name: str) -> str:
    """The provider's code for one of our templates (SMS_TEMPLATE_<NAME>)."""
    return settings.SMS_TEMPLATE_CODES.get(name, "") or name


def quiet_until(template: str, now: dt.datetime) -> dt.datetime | None:
    """When a message of `template` due at `now` may go out, if not now: 08:00 Beijing
    time after a quiet night. Sign-in codes are never held."""
    spec = TEMPLATES.get(template)
    if spec is None or not spec.quiet_hours:
        return None
    local = now.astimezone(BEIJING)
    if local.time() >= QUIET_FROM:
        day = local.date() + dt.timedelta(days=1)
    elif local.time() < QUIET_UNTIL:
        day = local.date()
    else:
        return None
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=BEIJING)


# --- Backends: send(message) returns the provider's id for the message.


class FilesBackend:
    """Every SMS as a file in SMS_FILE_PATH and on the console: `make run` needs no provider."""

    name = "files"

    def send(self, message: OutboundEmail) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        message_id = f"local-{uuid.uuid4().hex}"
        stamp = timezone.now().astimezone(BEIJING).strftime("%Y%m%d-%H%M%S")
        content = (
            f"To: {message.to}\nTemplate: {message.template} ({template_code(message.template)})\n"
            f"Variables: {json.dumps(message.variables, ensure_ascii=False)}\n\n{message.body_text}"
        )
        (folder / f"{stamp}-{message.pk}-{message_id}.txt").write_text(content, encoding="utf-8")
        sys.stdout.write(f"{content}\n{'-' * 79}\n")
        sys.stdout.flush()
        return message_id


class AliyunBackend:
    """Aliyun SMS (dysmsapi 2017-05-25, SendSms), signed by the SDK (ACS3-HMAC-SHA256)."""

    name = "aliyun"

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        return Client(
            openapi.Config(
                access_key_id=settings.SMS_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
                endpoint=settings.SMS_ENDPOINT or "dysmsapi.aliyuncs.com",
                protocol=settings.SMS_PROTOCOL,
                read_timeout=settings.SMS_TIMEOUT * 1000,
                connect_timeout=settings.SMS_TIMEOUT * 1000,
            )
        )

    def send(self, message: OutboundEmail) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms

        request = sms.SendSmsRequest(
            phone_numbers=message.to.removeprefix("+86"),
            sign_name=settings.SMS_SIGN_NAME,
            template_code=template_code(message.template),
            template_param=json.dumps(message.variables, ensure_ascii=False),
            out_id=str(message.pk),
        )
        try:
            body = self.client().send_sms(request).body
        except Exception as exc:  # the SDK's errors carry the request: keep only the code
            raise SmsSendFailed(f"aliyun {getattr(exc, 'code', None) or type(exc).__name__}") from None
        if body.code != "OK":
            raise SmsSendFailed(f"aliyun {body.code}")
        return body.biz_id


class TencentBackend:
    """Tencent Cloud SMS (2021-01-11, SendSms), signed by the SDK (TC3-HMAC-SHA256)."""

    name = "tencent"

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        profile = HttpProfile(
            protocol=settings.SMS_PROTOCOL,
            endpoint=settings.SMS_ENDPOINT or "sms.tencentcloudapi.com",
            reqTimeout=settings.SMS_TIMEOUT,
        )
        return sms_client.SmsClient(
            credential.Credential(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET),
            settings.SMS_REGION,
            ClientProfile(httpProfile=profile),
        )

    def send(self, message: OutboundEmail) -> str:
        from tencentcloud.sms.v20210111 import models as sms

        request = sms.SendSmsRequest()
        request.PhoneNumberSet = [message.to]
        request.SmsSdkAppId = settings.SMS_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template_code(message.template)
        # By position, in the template's order.
        request.TemplateParamSet = [str(message.variables[name]) for name in TEMPLATES[message.template].variables]
        request.SessionContext = str(message.pk)
        try:
            [status] = self.client().SendSms(request).SendStatusSet
        except Exception as exc:
            code = getattr(exc, "code", None) or type(exc).__name__
            raise SmsSendFailed(f"tencent {code}") from None
        if status.Code != "Ok":
            raise SmsSendFailed(f"tencent {status.Code}")
        return status.SerialNo


BACKENDS = {backend.name: backend for backend in (FilesBackend, AliyunBackend, TencentBackend)}


def backend():
    return BACKENDS[settings.SMS_PROVIDER]()


# --- Delivery receipts, pushed by the provider to notifications.views.sms_callback.


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str
    delivered: bool
    detail: str


def parse_receipts(provider: str, payload) -> list[Receipt]:
    """The status reports in a provider's push: Aliyun's SmsReport (a JSON list with
    biz_id, success, err_code) or Tencent's status callback (a list with sid,
    report_status, errmsg)."""
    items = payload if isinstance(payload, list) else [payload]
    receipts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if provider == "aliyun" and item.get("biz_id"):
            receipts.append(Receipt(str(item["biz_id"]), bool(item.get("success")), str(item.get("err_code", ""))))
        elif provider == "tencent" and item.get("sid"):
            receipts.append(
                Receipt(str(item["sid"]), item.get("report_status") == "SUCCESS", str(item.get("errmsg", "")))
            )
    return receipts


def parse_replies(provider: str, payload) -> list[tuple[str, str]]:
    """(number in E.164, text) of each reply in a provider's push: Aliyun's SmsUp
    (phone_number, content) or Tencent's reply callback (nationcode, mobile, text)."""
    items = payload if isinstance(payload, list) else [payload]
    replies = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if provider == "aliyun" and item.get("phone_number") and "content" in item:
            replies.append(("+86" + str(item["phone_number"]).removeprefix("+86"), str(item["content"])))
        elif provider == "tencent" and item.get("mobile") and "text" in item:
            replies.append((f"+{item.get('nationcode') or '86'}{item['mobile']}", str(item["text"])))
    return replies


def record_receipt(receipt: Receipt, *, now: dt.datetime | None = None) -> bool:
    """Store a delivery receipt on the message it reports on; False for an unknown id."""
    changed = OutboundEmail.objects.filter(transport="sms", provider_message_id=receipt.provider_message_id).update(
        receipt="delivered" if receipt.delivered else "undelivered",
        receipt_detail=receipt.detail[:200],
        receipt_at=now or timezone.now(),
    )
    return changed > 0
