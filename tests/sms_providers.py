"""Aliyun SMS and Tencent Cloud SMS as a loopback server (pytest-httpserver) would
speak them: each checks the request's signature as the provider does, records the
SendSms calls and answers with the provider's JSON. The real SDKs talk to it over http
at SMS_ENDPOINT."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from werkzeug import Request, Response

ACCESS_KEY_ID = "LTAI-test-key-id"
ACCESS_KEY_SECRET = "test-secret-not-a-real-one"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rfc3986(text: str) -> str:
    return quote(text, safe="-_.~")


def aliyun_signature_is_valid(request: Request, secret: str) -> bool:
    """ACS3-HMAC-SHA256, as Aliyun's gateway recomputes it: canonical request of the
    method, path, sorted query, the signed headers and the body's hash."""
    authorization = request.headers.get("Authorization", "")
    match = re.fullmatch(
        r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)", authorization
    )
    if not match:
        return False
    _key_id, signed_headers, signature = match.groups()
    query = "&".join(f"{_rfc3986(key)}={_rfc3986(value)}" for key, value in sorted(request.args.items(multi=True)))
    headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in signed_headers.split(";"))
    canonical = "\n".join([request.method, request.path, query, headers, signed_headers, _sha256(request.get_data())])
    to_sign = f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def tencent_signature_is_valid(request: Request, secret: str) -> bool:
    """TC3-HMAC-SHA256, as Tencent Cloud's API gateway recomputes it."""
    authorization = request.headers.get("Authorization", "")
    match = re.fullmatch(
        r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
        r"SignedHeaders=([^,]+), Signature=([0-9a-f]+)",
        authorization,
    )
    if not match:
        return False
    _key_id, date, service, signed_headers, signature = match.groups()
    headers = "".join(f"{name}:{request.headers.get(name, '').strip().lower()}\n" for name in signed_headers.split(";"))
    canonical = "\n".join(
        [
            request.method,
            request.path,
            request.query_string.decode(),
            headers,
            signed_headers,
            _sha256(request.get_data()),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{request.headers['X-TC-Timestamp']}\n{scope}\n{_sha256(canonical.encode())}"

    def sign(key: bytes, message: str) -> bytes:
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret).encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass
class Call:
    """One SendSms the fake provider received, with what matters to the test."""

    signed: bool
    phone: str
    sign_name: str
    template: str
    params: object
    raw: str = ""


@dataclass
class FakeProvider:
    """Answers SendSms; `fail_next` answers that many with the provider's error first."""

    name: str
    calls: list[Call] = field(default_factory=list)
    fail_next: int = 0
    counter: int = 0

    def handle(self, request: Request) -> Response:
        if self.name == "aliyun":
            return self._aliyun(request)
        return self._tencent(request)

    def _aliyun(self, request: Request) -> Response:
        args = request.args
        self.calls.append(
            Call(
                signed=aliyun_signature_is_valid(request, ACCESS_KEY_SECRET)
                and request.headers.get("X-Acs-Action") == "SendSms",
                phone=args.get("PhoneNumbers", ""),
                sign_name=args.get("SignName", ""),
                template=args.get("TemplateCode", ""),
                params=json.loads(args.get("TemplateParam") or "{}"),
                raw=request.full_path,
            )
        )
        if self.fail_next:
            self.fail_next -= 1
            body = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控", "RequestId": "A1"}
            return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
        self.counter += 1
        body = {"Code": "OK", "Message": "OK", "BizId": f"90061974693649844{self.counter}^0", "RequestId": "A2"}
        return Response(json.dumps(body), content_type="application/json")

    def _tencent(self, request: Request) -> Response:
        data = json.loads(request.get_data() or b"{}")
        self.calls.append(
            Call(
                signed=tencent_signature_is_valid(request, ACCESS_KEY_SECRET)
                and request.headers.get("X-TC-Action") == "SendSms",
                phone=",".join(data.get("PhoneNumberSet", [])),
                sign_name=data.get("SignName", ""),
                template=data.get("TemplateId", ""),
                params=data.get("TemplateParamSet", []),
                raw=request.get_data(as_text=True),
            )
        )
        if self.fail_next:
            self.fail_next -= 1
            status = {"SerialNo": "", "Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "30秒内限发"}
        else:
            self.counter += 1
            status = {"SerialNo": f"2433:{self.counter}", "Code": "Ok", "Message": "send success"}
        status.update({"PhoneNumber": data.get("PhoneNumberSet", [""])[0], "Fee": 1, "IsoCode": "CN"})
        body = {"Response": {"SendStatusSet": [status], "RequestId": "T1"}}
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
