"""What each paperwork PDF says, section by section.

The documents are addressed to Chinese bodies, so they are written in Chinese whatever
language the consumer reads the site in: the texts below are Chinese, and the parts
shared with the packet page (escalation.packet: the field values and the timeline) are
produced under the Chinese locale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from complaints import access
from complaints.categories import Category, DesiredOutcome
from core import parties
from core.parties import Party
from reading.sharing import copy_or_wait

from .. import conf
from .. import packet as assembly
from . import court_guide
from . import layout as L

KINDS = parties.PAPERWORK

# The 12315 complaint's contents as SAMR Order 20 art. 9 lists them (complainant's
# name, phone and address; respondent's name and address; the request; the facts),
# with the online form's extra fields (credit code, order number) beside them. No
# consumer association publishes a field list: its letter uses the same order.
ADDRESSEES = {
    Party.REGULATOR: "市场监督管理部门（通过全国12315平台 www.12315.cn、12315热线或12315小程序提交）",
    Party.ASSOCIATION: "消费者协会（请填写所在地消费者协会名称）：" + L.BLANK,
}
# What each kind of screenshot is put forward to prove, by the complaint's category;
# the consumer checks it before filing (said under the list).
PROVES = {
    Category.QUALITY: "商品存在质量问题及购买事实",
    Category.DELIVERY: "经营者未按约定发货或物流异常",
    Category.REFUND: "退款或售后申请及其处理情况",
    Category.SERVICE: "与客服沟通的经过",
    Category.BARGAIN: "活动规则及助力进度的变化",
    Category.ACCOUNT: "账户被限制的情况",
    Category.ADVERTISING: "宣传内容与实际不符",
    Category.OTHER: "投诉所述事实",
}
# The claims of the draft civil complaint, by what the consumer asked for.
CLAIMS = {
    DesiredOutcome.REFUND: "判令被告退还货款人民币 {amount} 元",
    DesiredOutcome.RETURN_REFUND: "判令被告接受退货并退还货款人民币 {amount} 元",
    DesiredOutcome.EXCHANGE: "判令被告更换商品",
    DesiredOutcome.COMPENSATION: "判令被告赔偿损失人民币 {blank} 元",
    DesiredOutcome.RESTORE_PROGRESS: "判令被告恢复原告的活动进度，或赔偿相应损失",
    DesiredOutcome.APOLOGY: "判令被告向原告赔礼道歉",
    DesiredOutcome.OTHER: "{detail}",
}


@dataclass(frozen=True)
class EvidenceItem:
    number: int
    name: str
    proves: str
    upload_sha256: str
    copy_sha256: str
    data: bytes


def evidence_items(complaint, viewer, recipient: str) -> list[EvidenceItem]:
    """The sanitised evidence `viewer` may see (complaints.access), as the copies that
    may go to `recipient` (reading.sharing), numbered in the packet ZIP's order, so 证据1 is the ZIP's evidence/01."""
    items = []
    viewable = [
        e for e in complaint.evidence.ready().order_by("created_at", "id") if access.can_view_evidence(viewer, e)
    ]
    for number, evidence in enumerate(viewable, start=1):
        # The copy that may go to `recipient`: the same bytes as the packet ZIP's
        # evidence/NN for that body, read through the storage.
        data = copy_or_wait(evidence, recipient)
        uploaded = timezone.localtime(evidence.created_at, conf.SHANGHAI)
        items.append(
            EvidenceItem(
                number=number,
                name=f"图片：{evidence.original_name}（上传于 {uploaded:%Y-%m-%d %H:%M}）",
                proves="证明" + PROVES.get(complaint.category, PROVES[Category.OTHER]),
                upload_sha256=evidence.sha256,
                copy_sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )
    return items


def _evidence_section(items: list[EvidenceItem], *, heading: str) -> list:
    story = [L.heading(heading)]
    if not items:
        return [*story, L.text("（暂无可提交的证据图片。）")]
    rows = [
        (str(item.number), item.name, item.proves, [("上传原件", item.upload_sha256), ("副本", item.copy_sha256)])
        for item in items
    ]
    story.append(L.evidence_table(rows))
    story.append(
        L.text(
            "SHA-256 校验值：“上传原件”为消费者上传的原始文件，“副本”为去除位置等元数据、遮盖个人信息后的副本（Tousu "
            "证据包 ZIP 中同一序号的文件）；PDF 中的图片是该副本的缩印。“证明内容”按投诉类别预填，提交前请逐项核对。",
            "note",
        )
    )
    return story


def _evidence_images(items: list[EvidenceItem]) -> list:
    if not items:
        return []
    return [
        PageBreak(),
        L.heading("附：证据图片"),
        *L.image_grid([(f"证据{item.number}：{item.name}", item.data) for item in items]),
    ]


def _timeline_section(complaint, *, heading: str) -> list:
    entries = assembly.timeline_entries(complaint)
    rows = [[f"{entry['local']:%Y-%m-%d %H:%M}", entry["text"]] for entry in entries]
    return [
        L.heading(heading),
        L.grid(["时间（北京时间）", "事项"], rows, [36 * mm, L.FRAME_WIDTH - 36 * mm]),
    ]


def _generated_line(complaint) -> str:
    now = timezone.localtime(timezone.now(), conf.SHANGHAI)
    return f"Tousu 编号 {complaint.reference}，生成于 {now:%Y-%m-%d %H:%M}（北京时间）"


def _values(complaint, body: str, contact: access.Contact) -> dict[str, str]:
    """The packet's field values (escalation.packet.fields_for), so the PDF and the page agree."""
    fields, _respondent, _contacts = assembly.fields_for(complaint, body, contact=contact)
    values = {field.key: field.value for field in fields}
    if complaint.shop_name:
        values["shop"] = f"{complaint.platform.name}（店铺：{complaint.shop_name}）"
    return values


def complaint_letter(complaint, body: str, *, viewer, contact: access.Contact) -> bytes:
    """投诉书 to 12315 or a consumer association, with the evidence list and images."""
    with translation.override("zh-hans"):
        values = _values(complaint, body, contact)
        items = evidence_items(complaint, viewer, body)
        story = [
            L.text("投诉书", "title"),
            L.text(_generated_line(complaint), "subtitle"),
            Spacer(1, 4 * mm),
            L.text("致：" + ADDRESSEES[body]),
            L.heading("一、投诉人"),
            L.field_table(
                [
                    ("姓名", values["complainant"]),
                    ("联系电话", values["phone"]),
                    ("通讯地址", ""),
                    ("电子邮箱", values["email"]),
                ]
            ),
            L.heading("二、被投诉人"),
            L.field_table(
                [
                    ("名称", values["respondent"]),
                    ("地址", values["respondent_address"]),
                    ("统一社会信用代码", values["credit_code"]),
                    ("平台及店铺", values["shop"]),
                ]
            ),
            L.heading("三、投诉请求"),
            L.text(values["request"]),
            L.heading("四、事实与理由"),
            L.field_table(
                [
                    ("订单号", values["order_number"]),
                    ("下单日期", values["order_date"]),
                    ("金额（元）", values["amount"]),
                ]
            ),
            Spacer(1, 2 * mm),
            L.text(complaint.description.strip()),
            *_timeline_section(complaint, heading="五、经过（按时间顺序）"),
            *_evidence_section(items, heading="六、证据目录"),
            *L.signature(["投诉人（签名）：" + L.BLANK, "日期：" + L.DATE_BLANK]),
            *_evidence_images(items),
        ]
        return L.build(story, title=f"投诉书 {complaint.reference}", footer=f"{complaint.reference}　投诉书")


def _claims(complaint, values: dict[str, str]) -> list[str]:
    template = CLAIMS.get(complaint.desired_outcome, CLAIMS[DesiredOutcome.OTHER])
    claim = template.format(
        amount=values["amount"], blank="＿＿＿＿", detail=complaint.desired_outcome_detail or L.BLANK
    )
    claims = [claim]
    if complaint.desired_outcome_detail and complaint.desired_outcome != DesiredOutcome.OTHER:
        claims[0] += f"（具体：{complaint.desired_outcome_detail}）"
    claims.append("本案诉讼费用由被告承担")
    return [f"{n}. {c}。" for n, c in enumerate(claims, start=1)]


def civil_complaint(complaint, *, viewer, contact: access.Contact) -> bytes:
    """Draft 民事起诉状 for an online-shopping contract dispute, the evidence list and
    images, and the page on small claims and the internet courts."""
    with translation.override("zh-hans"):
        values = _values(complaint, Party.REGULATOR, contact)
        items = evidence_items(complaint, viewer, Party.COURT)
        purchase = (
            f"原告于 {values['order_date']} 在{complaint.platform.name}平台"
            f"{('“' + complaint.shop_name + '”店铺') if complaint.shop_name else ''}购买商品"
            f"（订单号：{values['order_number']}），支付人民币 {values['amount']} 元。"
        )
        story = [
            L.text("民事起诉状（草稿）", "title"),
            L.text(_generated_line(complaint), "subtitle"),
            L.text(
                "本草稿由 Tousu 根据您填写的投诉生成。空白处请手写填写，提交前请按受理法院的要求核对、修改。", "note"
            ),
            L.heading("原告"),
            L.field_table(
                [
                    ("姓名", values["complainant"]),
                    ("性别、出生日期、民族", ""),
                    ("身份证号", ""),
                    ("住址", ""),
                    ("联系电话", values["phone"]),
                ]
            ),
            L.heading("被告"),
            L.field_table(
                [
                    ("名称", values["respondent"]),
                    ("住所地", values["respondent_address"]),
                    ("统一社会信用代码", values["credit_code"]),
                    ("法定代表人", ""),
                    ("平台及店铺", values["shop"]),
                ]
            ),
            L.heading("案由"),
            L.text("网络购物合同纠纷"),
            L.heading("诉讼请求"),
            *[L.text(line) for line in _claims(complaint, values)],
            L.heading("事实与理由"),
            L.text(purchase),
            L.text(complaint.description.strip()),
            *_timeline_section(complaint, heading="经过（按时间顺序）"),
            Spacer(1, 6 * mm),
            L.text("此致"),
            L.text(L.BLANK + "人民法院"),
            *L.signature(["具状人（签名）：" + L.BLANK, "日期：" + L.DATE_BLANK]),
            *_evidence_section(items, heading="附：证据目录"),
            *_evidence_images(items),
            PageBreak(),
            L.text(court_guide.TITLE, "heading"),
            L.text(court_guide.INTRO, "note"),
        ]
        for title, paragraphs in court_guide.SECTIONS:
            story.append(L.heading(title))
            story.extend(L.text(paragraph) for paragraph in paragraphs)
            if title == "小额诉讼":
                story.append(L.text(court_guide.amount_note(complaint.amount)))
        story.append(L.text(court_guide.SOURCES, "note"))
        return L.build(
            story, title=f"民事起诉状 {complaint.reference}", footer=f"{complaint.reference}　民事起诉状（草稿）"
        )


def render(kind: str, complaint, *, viewer, contact: access.Contact) -> bytes:
    """The PDF of `kind` (a body of escalation.models.Body, or Party.COURT), as `viewer` may see it."""
    if kind == Party.COURT:
        return civil_complaint(complaint, viewer=viewer, contact=contact)
    return complaint_letter(complaint, kind, viewer=viewer, contact=contact)
