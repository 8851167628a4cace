"""The vocabulary of bench/datagen.py: who complains about what, on which platform,
in which words, and which status a complaint of a given age has."""

DEFAULT_SEED = 20261121
# About six months of complaints.
DEFAULT_SPAN_DAYS = 182
CONSUMER_EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
SUPERVISOR_USERNAME = "supervisor@staff.example.com"
REVIEWERS = 9

# Which status a complaint has depends on its age: (from this age in days, weights).
STATUS_BY_AGE = [
    (0, {"submitted": 35, "in_review": 25, "needs_info": 5, "forwarded": 30, "rejected": 3, "withdrawn": 2}),
    (
        2,
        {
            "submitted": 2,
            "in_review": 6,
            "needs_info": 6,
            "forwarded": 40,
            "platform_responded": 25,
            "escalated": 3,
            "resolved": 12,
            "rejected": 4,
            "withdrawn": 2,
        },
    ),
    (
        14,
        {
            "needs_info": 3,
            "forwarded": 10,
            "platform_responded": 14,
            "escalated": 8,
            "resolved": 35,
            "closed": 20,
            "rejected": 5,
            "withdrawn": 5,
        },
    ),
    (
        45,
        {
            "needs_info": 1,
            "forwarded": 3,
            "platform_responded": 4,
            "escalated": 7,
            "resolved": 15,
            "closed": 60,
            "rejected": 5,
            "withdrawn": 5,
        },
    ),
]
# Statuses of complaints that were forwarded to the platform, so their clocks started.
REACHED_PLATFORM = ("forwarded", "platform_responded", "needs_info", "escalated", "resolved", "closed")
PLATFORM_WEIGHTS = {"pinduoduo": 50, "taobao": 35, "tmall": 15}
CATEGORY_WEIGHTS = {
    "quality": 24,
    "delivery": 20,
    "refund": 24,
    "service": 8,
    "bargain": 7,
    "account": 4,
    "advertising": 7,
    "other": 6,
}
DESIRED_OUTCOMES = {
    "quality": ["return_refund", "refund", "exchange", "compensation"],
    "delivery": ["refund", "refund", "compensation"],
    "refund": ["refund"],
    "service": ["apology", "compensation"],
    "bargain": ["restore_progress", "compensation", "other"],
    "account": ["other"],
    "advertising": ["return_refund", "compensation", "refund"],
    "other": ["other", "compensation"],
}
DESCRIPTIONS = {
    "quality": [
        "收到的商品有明显质量问题，与商品详情页的描述不符，联系商家后一直没有处理。",
        "使用不到一周就坏了，商家拒绝退换，只愿意补偿几元钱。",
        "商品到手有破损和异味，拍照发给客服后对方不再回复。",
    ],
    "delivery": [
        "付款后超过承诺的发货时间仍未发货，催促客服也没有回应。",
        "物流信息显示已签收，但我本人并未收到包裹，快递员联系不上。",
        "物流停在中转站十多天没有更新，商家说等等再看。",
    ],
    "refund": [
        "退货已寄回并显示签收，但商家迟迟不退款。",
        "申请仅退款被商家拒绝，平台客服介入后也没有结果。",
        "商家同意退款后又撤销了退款申请，理由不明。",
    ],
    "service": [
        "客服态度恶劣，多次辱骂并拒绝处理售后问题。",
        "客服反复推诿，承诺的回电一直没有打来。",
    ],
    "bargain": [
        "砍价进度到0.1%后一直无法完成，邀请了很多好友也没有变化。",
        "助力活动规则显示可以领取，但最后提示活动已结束。",
    ],
    "account": [
        "账号被无故限制登录，申诉后没有任何说明。",
        "账号被封禁，余额和优惠券都无法使用。",
    ],
    "advertising": [
        "商品页面宣传的功效与实际完全不符，属于虚假宣传。",
        "页面标注的原价虚高，所谓折扣并不存在。",
    ],
    "other": [
        "平台收取的费用没有任何说明，联系客服无法解决。",
        "下单后价格被商家单方面修改，要求补差价才发货。",
    ],
}
OTHER_OUTCOME_DETAILS = ["请平台给出书面说明", "恢复账号并说明限制原因", "按活动规则兑现奖励"]
SHOP_PREFIXES = ["优品", "好物", "家居", "数码", "母婴", "服饰", "美妆", "生鲜", "百货", "运动", "潮玩", "茶叶"]
SHOP_SUFFIXES = ["旗舰店", "专营店", "官方旗舰店", "小铺", "专卖店", "工厂店"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
GIVEN_NAMES = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
# Mainland mobile prefixes phonenumbers accepts as mobile (accounts.phones).
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "198", "199",
]  # fmt: skip
