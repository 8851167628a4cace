"""The page on small claims and the internet courts that ends the court PDF.

Plain statements of published rules, each with the law, court notice or court site it
was read in (the sources below), and no advice on what a consumer should do: the
page says so. The figures are kept here with their sources, so one place changes
when a court publishes new ones.
"""

from __future__ import annotations

from decimal import Decimal

# Zhejiang High Court notice, 2022: 50 % of the province's previous-year average wage.
ZHEJIANG_SMALL_CLAIMS_LIMIT = Decimal("54323")
INTERNET_COURTS = ("北京互联网法院", "广州互联网法院", "杭州互联网法院")

TITLE = "附页：小额诉讼和互联网法院（说明，不是法律意见）"
INTRO = (
    "本页用简单的话介绍公开的规则，帮助您了解去法院的途径。它不是法律意见，也不能代替律师或法院的解答；"
    "具体标准和程序以受理法院公布的为准。本页不属于起诉状，提交起诉状时不必附上。"
)
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "小额诉讼",
        [
            "金额不大、事实清楚的金钱纠纷，可以按小额诉讼程序审理。标准是：标的额不超过所在省、自治区、"
            "直辖市上一年度就业人员年平均工资的百分之五十。",
            "小额诉讼一审终审：判决后不能上诉。",
            "各省的金额标准每年公布，各不相同。例如浙江省高级人民法院2022年公布的标准为 54,323 元。"
            "您所在地的标准，请向受理法院确认。",
        ],
    ),
    (
        "互联网法院",
        [
            "、".join(INTERNET_COURTS) + "审理各自所在市辖区内、通过电子商务平台购买商品产生的网络购物合同纠纷。",
            "立案、诉前调解和开庭都可以在网上进行，不必到法院。",
            "不在这三个城市的，可以通过“人民法院在线服务”微信小程序向各级法院在线立案。",
        ],
    ),
    (
        "与本案有关的其他规则",
        [
            "经营者有欺诈行为的，消费者可以要求增加赔偿，金额为商品价款的三倍；增加赔偿的金额不足500元的，为500元"
            "（《消费者权益保护法》第五十五条）。",
            "电子商务平台应当保存交易记录至少三年（《电子商务法》第三十一条），并应当积极协助消费者维护合法权益"
            "（第六十一条）。",
            "同一争议已由法院、仲裁机构或消费者协会处理的，市场监管部门（12315）不再受理投诉"
            "（《市场监督管理投诉举报处理暂行办法》第十五条）。",
        ],
    ),
]
SOURCES = (
    "来源：《民事诉讼法》关于小额诉讼的规定；浙江省高级人民法院2022年通知；北京互联网法院网站及最高人民法院"
    "关于互联网法院审理案件的规定；《消费者权益保护法》第五十五条；《电子商务法》第三十一条、第六十一条；"
    "国家市场监督管理总局令第20号（2019）第十五条。以上均据公开转载的文本整理，整理时未能核对各机关网站原文。"
)


def amount_note(amount: Decimal) -> str:
    """The consumer's amount beside the one published example, without saying what follows from it."""
    return (
        f"您的订单金额为 {amount:,.2f} 元。作为对照：浙江省2022年的小额诉讼标准为 "
        f"{ZHEJIANG_SMALL_CLAIMS_LIMIT:,.0f} 元；其他省份的标准不同。"
    )
