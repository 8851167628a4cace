"""The providers' pushes: delivery receipts, and replies (accounts.signals stops SMS on TD)."""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import sms
from .signals import sms_reply_received

# What each provider expects back for "received" (Aliyun's push, Tencent's callback).
ACKNOWLEDGED = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


@csrf_exempt
@require_POST
def sms_callback(request, provider: str, token: str):
    """Receipts and replies pushed by `provider`, at a URL whose token is the shared
    SMS_CALLBACK_TOKEN (neither provider signs its pushes)."""
    expected = settings.SMS_CALLBACK_TOKEN
    if provider not in ACKNOWLEDGED or not expected or not constant_time_compare(token, expected):
        raise Http404
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"error": "not JSON"}, status=400)
    for receipt in sms.parse_receipts(provider, payload):
        sms.record_receipt(receipt)
    for phone, text in sms.parse_replies(provider, payload):
        sms_reply_received.send(sender=sms_callback, phone=phone, text=text)
    return JsonResponse(ACKNOWLEDGED[provider])
