"""The deadline policies we start from, each figure with the source it was read in (the
law, the SAMR measures or the secondary source, in each seed's `source`).

Staff edit them in the admin afterwards; `load_deadline_policies` only creates the
missing ones (or, with --update, rewrites the figures below).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from core.parties import Party

from .models import ClockKind, DeadlinePolicy, Unit

SEED_000 = "Seed article 000_c7adf48eedc4de3e.txt"
SEED_002 = "Seed article 002_c6ddd7a2fbfd9282.txt"
SEED_003 = "Seed article 003_f0516a5cedccd739.txt"
SAMR_ORDER_20 = (
    "Interim Measures for Market Supervision and Administration Complaints and Reports (SAMR Order No. 20 of 2019)"
)

SAMR_ORDER_121 = (
    "Measures for Market Supervision and Administration Complaints and Reports (SAMR Order No. 121, "
    "published 2025-12-30, in force 2026-04-15; reposts of SAMR's release, e.g. 中新网; English translation "
    "neoasien.com/?p=1214; official text cited at samr.gov.cn, not read)"
)
ORDER_121_IN_FORCE = dt.date(2026, 4, 15)
# Shown to the consumer beside each Order 121 figure until staff read the clause.
ORDER_121_PROVISIONAL = (
    "《市场监督管理投诉举报处理办法》（国家市场监督管理总局令第121号）自2026年4月15日起施行，取代2019年的暂行办法。"
    "我们尚未读到新办法关于该期限的条文（总局称调解时限有修改），暂按旧办法的天数计算，仅供参考。"
    "新办法的过渡条款也未能读到。"
)

# The association policy keeps its first slug (rows in use point at it).
ASSOCIATION_CHECK_IN_SLUG = "association-reply"
ASSOCIATION_CHECK_IN_DAYS = 15


@dataclass(frozen=True)
class PolicySeed:
    slug: str
    body: str
    platform_slug: str | None
    kind: str
    unit: str
    expected_after: int | None
    due_after: int | None
    source: str
    reliability: str
    basis: str = DeadlinePolicy.Basis.REPORTS
    active: bool = True
    in_force_from: dt.date | None = None
    provisional_reason: str = ""


POLICIES = [
    PolicySeed(
        "pinduoduo-first-response",
        Party.PLATFORM,
        "pinduoduo",
        ClockKind.FIRST_RESPONSE,
        Unit.WORKING_DAYS,
        1,
        3,
        f"{SEED_000}; {SEED_002}: first processing opinion within 1-3 working days",
        "Claimed by the seed articles only; no Pinduoduo rule found",
    ),
    PolicySeed(
        "pinduoduo-resolution",
        Party.PLATFORM,
        "pinduoduo",
        ClockKind.RESOLUTION,
        Unit.WORKING_DAYS,
        3,
        7,
        f"{SEED_000}; {SEED_002}: whole cycle 3-7 working days",
        "Claimed by the seed articles only; no Pinduoduo rule found",
    ),
    PolicySeed(
        "taobao-first-response",
        Party.PLATFORM,
        "taobao",
        ClockKind.FIRST_RESPONSE,
        Unit.HOURS,
        None,
        24,
        f"{SEED_003}: first reply within 24 hours",
        "Claimed by one seed article only",
    ),
    PolicySeed(
        "taobao-resolution",
        Party.PLATFORM,
        "taobao",
        ClockKind.RESOLUTION,
        Unit.WORKING_DAYS,
        None,
        7,
        f"{SEED_003}: written complaint answered within 7 working days",
        "Claimed by one seed article only",
    ),
    PolicySeed(
        "12315-acceptance",
        Party.REGULATOR,
        None,
        ClockKind.ACCEPTANCE,
        Unit.WORKING_DAYS,
        None,
        7,
        f"{SAMR_ORDER_20}, art. 14: decides within 7 working days whether to accept. "
        "New SAMR Measures replace it from 2026-04-15; their figure was not found.",
        "Secondary sources agree",
        basis=DeadlinePolicy.Basis.REGULATION,
    ),
    PolicySeed(
        "12315-mediation",
        Party.REGULATOR,
        None,
        ClockKind.MEDIATION,
        Unit.WORKING_DAYS,
        None,
        45,
        f"{SAMR_ORDER_20}, art. 21: mediation ends if no agreement within 45 working days of acceptance. "
        "New SAMR Measures replace it from 2026-04-15; their figure was not found.",
        "Secondary sources agree",
        basis=DeadlinePolicy.Basis.REGULATION,
    ),
    PolicySeed(
        "12315-odr-negotiation",
        Party.REGULATOR,
        None,
        ClockKind.ODR,
        Unit.WORKING_DAYS,
        None,
        10,
        "Market-regulation notices on the duties of 12315 ODR firms (reposted): "
        "a firm that joined the ODR green channel negotiates with the consumer within 10 working days.",
        "Secondary sources",
        basis=DeadlinePolicy.Basis.OFFICIAL_NOTICE,
    ),
    # Order 121 (complaints filed from 2026-04-15): the old figures, provisional, until
    # staff enter the counts read in the official text (facts §7).
    *[
        PolicySeed(
            f"{slug}-order-121",
            Party.REGULATOR,
            None,
            kind,
            Unit.WORKING_DAYS,
            None,
            days,
            f"{SAMR_ORDER_121}. Its {what} clause was not read: the figure is Order 20's ({old}) until staff "
            "enter the one in the official text.",
            "Provisional: the new measure's figure was not found",
            basis=DeadlinePolicy.Basis.REGULATION,
            in_force_from=ORDER_121_IN_FORCE,
            provisional_reason=ORDER_121_PROVISIONAL,
        )
        for slug, kind, days, what, old in [
            ("12315-acceptance", ClockKind.ACCEPTANCE, 7, "acceptance", "art. 14"),
            ("12315-mediation", ClockKind.MEDIATION, 45, "mediation time limit (amended, per SAMR)", "art. 21"),
            ("12315-odr-negotiation", ClockKind.ODR, 10, "online dispute resolution", "ODR notices"),
        ]
    ],
    PolicySeed(
        ASSOCIATION_CHECK_IN_SLUG,
        Party.ASSOCIATION,
        None,
        ClockKind.ASSOCIATION,
        Unit.WORKING_DAYS,
        None,
        ASSOCIATION_CHECK_IN_DAYS,
        "No day count is published for consumer associations (Consumer Rights Protection Law art. 39). "
        "This is a check-in reminder, not a legal deadline: staff may change the figure.",
        "Configurable reminder; no legal count",
        basis=DeadlinePolicy.Basis.REMINDER,
    ),
]


def load_policies(*, update: bool = False) -> tuple[int, int, list[str]]:
    """Create the missing policies (and rewrite figures when `update`).

    Returns (created, updated, skipped slugs whose platform does not exist)."""
    from platforms.models import Platform

    platforms = {p.slug: p for p in Platform.objects.all()}
    created = updated = 0
    skipped = []
    with transaction.atomic():
        for seed in POLICIES:
            platform = None
            if seed.platform_slug:
                platform = platforms.get(seed.platform_slug)
                if platform is None:
                    skipped.append(seed.slug)
                    continue
            values = {
                "body": seed.body,
                "platform": platform,
                "kind": seed.kind,
                "unit": seed.unit,
                "expected_after": seed.expected_after,
                "due_after": seed.due_after,
                "source": seed.source,
                "reliability": seed.reliability,
                "basis": seed.basis,
                "in_force_from": seed.in_force_from,
                "provisional_reason": seed.provisional_reason,
                "active": seed.active,
            }
            policy, was_created = DeadlinePolicy.objects.get_or_create(slug=seed.slug, defaults=values)
            if was_created:
                created += 1
            elif update:
                for name, value in values.items():
                    setattr(policy, name, value)
                policy.save()
                updated += 1
    return created, updated, skipped
