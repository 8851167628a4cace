"""Benchmark data: N realistic complaints with their clocks, built inside PostgreSQL.

    createdb -h 127.0.0.1 -U postgres tousu_datagen
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_datagen .venv/bin/python bench/datagen.py 1000000

The command migrates, runs setup_tousu, tops the database up to N complaints, prints
the time and the row counts, then ANALYZEs. The benchmarks import it instead
(`ensure(n)`, `generate(n, ...)`).

Every row is made by INSERT ... SELECT over generate_series: Python only computes the
small tables that need the app's own rules (escalation.clocks.compute_due and the
working-day calendar, per start day and policy), and PostgreSQL joins them to the
million rows. What it builds:

- a pool of consumers (auth user, profile with an E.164 +86 mobile number, verified
  email address) owning about four complaints each, a few heavy complainers owning
  many, and a small staff pool (SUPERVISOR_USERNAME and reviewers) the cases are
  assigned to;
- complaints on the platforms of the complaints migration, created over the last
  `span_days` days at Beijing-time hours, with a status that fits their age (new ones
  submitted or in review, old ones resolved or closed), the order number's shape of
  their platform (complaints.orders), references TS-YYYYMMDD-NNNN continuing
  complaints_referencecounter;
- for each complaint that reached a platform with deadline policies, its first-response
  and resolution clocks (`clocks_per_complaint` of them) started when it was forwarded,
  with the due time escalation.clocks.compute_due gives, running, met, paused (with the
  working days left) or stopped as its status says, and for running clocks the reminder
  the sweep would have scheduled by now; Complaint.next_deadline_at is the earliest
  running clock's due time, as escalation.clocks.refresh_next_deadline keeps it;
- one "submitted" timeline event per complaint.

Not built: the other timeline events, reminders already sent (escalation_reminder),
outbound emails, evidence, platform and regulator filings.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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


# --- Set-up -------------------------------------------------------------------


def setup_django() -> None:
    """For the command line: the production settings, on the DATABASE_URL given."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The production settings refuse an in-process cache and unset mail: name ones (unused here).
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("TOUSU_VAR_DIR", "/tmp/tousu-bench-var")
    import django

    django.setup()


def require_postgresql() -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    if connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            f"bench/datagen.py builds its rows with PostgreSQL's generate_series; the database is {connection.vendor}. "
            "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a database you created>."
        )


def prepare_database() -> None:
    """Schema and reference data (platforms, deadline policies, staff groups)."""
    from django.core.management import call_command

    require_postgresql()
    call_command("migrate", verbosity=0)
    call_command("setup_tousu", stdout=io.StringIO())


def complaint_count() -> int:
    from complaints.models import Complaint

    return Complaint.objects.count()


def ensure(complaints: int, **options) -> dict[str, int] | None:
    """Generate what is missing up to `complaints` complaints (then ANALYZE); None if
    there are enough already."""
    missing = complaints - complaint_count()
    if missing <= 0:
        return None
    created = generate(missing, **options)
    analyze()
    return created


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"ANALYZE {table}")


GENERATED_TABLES = [
    "auth_user",
    "accounts_profile",
    "account_emailaddress",
    "complaints_complaint",
    "complaints_timelineevent",
    "complaints_referencecounter",
    "escalation_clock",
]


def row_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT state, count(*) FROM escalation_clock GROUP BY state ORDER BY state")
        counts.update({f"clocks {state}": n for state, n in cursor.fetchall()})
    return counts


# --- Generation ---------------------------------------------------------------


def generate(
    complaints: int,
    *,
    clocks_per_complaint: int = 2,
    seed: int = DEFAULT_SEED,
    span_days: int = DEFAULT_SPAN_DAYS,
    statuses: Mapping[str, float] | None = None,
    platforms: Mapping[str, float] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Add `complaints` complaints with their clocks; returns the rows added per table.

    clocks_per_complaint: 2 = first response and resolution, 1 = first response only,
    0 = none. statuses: fixed weights instead of STATUS_BY_AGE (e.g. {"forwarded": 1}
    for a data set where every clock runs). platforms: weights by platform slug
    instead of PLATFORM_WEIGHTS. The same seed, size and day give the same rows.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.states import Status

    require_postgresql()
    if complaints <= 0:
        return {}
    if not 0 <= clocks_per_complaint <= 2:
        raise ValueError("clocks_per_complaint is 0, 1 or 2: a platform has a first-response and a resolution clock")
    bands = [(0, dict(statuses))] if statuses else STATUS_BY_AGE
    unknown = {s for _age, weights in bands for s in weights} - set(Status.values)
    if unknown:
        raise ValueError(f"not complaint statuses: {sorted(unknown)}")
    say = progress or (lambda message: None)
    now = timezone.now()
    steps = _Steps(say)
    added: dict[str, int] = {}
    # Rebuilding indexes costs what the whole table costs: worth it when the load at
    # least doubles the table, not for a top-up of a big one.
    bulk = complaints >= complaint_count()
    # One transaction: a failure leaves neither half a data set nor missing indexes.
    with transaction.atomic(), connection.cursor() as cursor:
        # The plan's sorts and hash joins hold a million rows: keep them in memory.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT setseed(%s)", [(seed % 2**31) / 2**31])
        with steps("reference tables (due days, working days, reminder times)"):
            platform_ids, platform_bounds = _reference_tables(cursor, now, span_days, platforms or PLATFORM_WEIGHTS)
        with _bulk_load(cursor, BULK_TABLES if bulk else [], steps):
            with steps("consumers and staff"):
                added["auth_user"], added["accounts_profile"], added["account_emailaddress"] = _consumers(
                    cursor, max(1, complaints // 4), now, span_days
                )
                staff_ids = staff_pool()
            with steps(f"plan of {complaints:,} complaints"):
                _plan(cursor, complaints, now, seed, span_days, bands, platform_ids, platform_bounds, staff_ids)
            with steps("plan of their clocks"):
                _plan_clocks(cursor, now, clocks_per_complaint)
            with steps("insert complaints"):
                added["complaints_complaint"] = _insert_complaints(cursor, seed)
            with steps("insert clocks"):
                cursor.execute(INSERT_CLOCKS)
                added["escalation_clock"] = cursor.rowcount
            with steps("insert timeline events"):
                cursor.execute(INSERT_SUBMITTED_EVENTS)
                added["complaints_timelineevent"] = cursor.rowcount
            with steps("reference counters"):
                cursor.execute(UPDATE_REFERENCE_COUNTERS)
        for table in ("datagen_plan", "datagen_clock", "datagen_consumer", *REFERENCE_TABLES):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return added


# The tables a large load fills without their secondary indexes and foreign keys.
BULK_TABLES = [
    "accounts_profile",
    "account_emailaddress",
    "complaints_complaint",
    "escalation_clock",
    "complaints_timelineevent",
]


@contextlib.contextmanager
def _bulk_load(cursor, tables: list[str], steps):
    """Fill `tables` without their secondary indexes and foreign keys, then put them
    back as pg_restore does: one sorted build per index and one set-wise check per
    key, instead of index insertions and a deferred check trigger row by row (which
    cost two thirds of the load). Unique indexes stay, so uniqueness holds throughout.
    Run inside the caller's transaction, so a failure restores them."""
    indexes, foreign_keys = [], []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            foreign_keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisunique",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            indexes.append(definition)
    yield
    if tables:
        with steps(f"rebuild {len(indexes)} indexes, check {len(foreign_keys)} foreign keys"):
            for statement in indexes + foreign_keys:
                cursor.execute(statement)


class _Steps:
    """Times each step for the progress callback."""

    def __init__(self, say):
        self.say = say

    def __call__(self, name):
        self.name = name
        return self

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        if exc[0] is None:
            self.say(f"  {self.name}: {time.perf_counter() - self.started:.1f} s")


def _bounds(weights: Mapping[str, float], offset: float = 0.0) -> tuple[list[str], list[float]]:
    """Keys and the lower bound of each one's share of [offset, offset + 1), for
    width_bucket(offset + random(), bounds), which picks a key by weight."""
    items = [(key, weight) for key, weight in weights.items() if weight > 0]
    total = sum(weight for _key, weight in items)
    keys, bounds, cumulative = [], [], 0.0
    for key, weight in items:
        keys.append(key)
        bounds.append(offset + cumulative / total)
        cumulative += weight
    return keys, bounds


def _case_pick(key_sql: str, choices: Mapping[str, list[str]], draw_sql: str, params: dict, name: str) -> str:
    """SQL choosing among choices[key] with the uniform draw `draw_sql`."""
    arms = []
    for n, (key, options) in enumerate(choices.items()):
        params[f"{name}_key_{n}"] = key
        params[f"{name}_options_{n}"] = options
        arms.append(
            f"WHEN %({name}_key_{n})s THEN (%({name}_options_{n})s::text[])[1 + floor({draw_sql} * {len(options)})::int]"
        )
    return f"CASE {key_sql} {' '.join(arms)} END"


REFERENCE_TABLES = ("datagen_policy", "datagen_due", "datagen_workday", "datagen_still_overdue")


def _reference_tables(cursor, now: dt.datetime, span_days: int, platform_weights: Mapping[str, float]):
    """The app's deadline rules as small tables keyed by day, computed by the app's code."""
    from complaints.models import Platform
    from escalation import clocks, conf, workdays
    from escalation.models import Body, DeadlinePolicy, Unit

    by_slug = dict(Platform.objects.values_list("slug", "id"))
    missing = set(platform_weights) - set(by_slug)
    if missing:
        raise ValueError(f"no such platforms: {sorted(missing)} (have {sorted(by_slug)})")
    slugs, platform_bounds = _bounds(platform_weights)
    platform_ids = [by_slug[slug] for slug in slugs]
    # The policies escalation.clocks.platform_policies starts clocks from.
    if not DeadlinePolicy.objects.exists():
        raise RuntimeError("no deadline policies: run `manage.py setup_tousu` first (prepare_database does)")
    policies = list(
        DeadlinePolicy.objects.filter(
            body=Body.PLATFORM, platform__isnull=False, kind__in=clocks.PLATFORM_KINDS, active=True
        ).exclude(due_after=None)
    )
    calendar = workdays.get_calendar()
    today = clocks.local_day(now)
    first_day = today - dt.timedelta(days=span_days + 1)
    days = [first_day + dt.timedelta(days=n) for n in range((today - first_day).days + 1)]

    for table in REFERENCE_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        "CREATE TEMP TABLE datagen_policy (platform_id bigint, policy_id bigint, kind text, kind_rank int,"
        " unit text, due_hours int, expected_hours int)"
    )
    cursor.executemany(
        "INSERT INTO datagen_policy VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            (
                p.platform_id,
                p.pk,
                p.kind,
                clocks.PLATFORM_KINDS.index(p.kind) + 1,
                p.unit,
                p.due_after if p.unit == Unit.HOURS else None,
                p.expected_after if p.unit == Unit.HOURS else None,
            )
            for p in policies
        ],
    )
    # Working-day clocks: everything depends on the start's Beijing date only.
    cursor.execute(
        "CREATE TEMP TABLE datagen_due (policy_id bigint, start_day date, due_at timestamptz,"
        " expected_at timestamptz, provisional boolean, due_tomorrow_at timestamptz, PRIMARY KEY (policy_id, start_day))"
    )
    rows = []
    for policy in policies:
        if policy.unit != Unit.WORKING_DAYS:
            continue
        for day in days:
            expected_at, due_at, provisional = clocks.compute_due(policy, clocks.end_of_day(day))
            due_tomorrow_at = clocks.reminder_time(clocks.local_day(due_at) - dt.timedelta(days=1))
            rows.append((policy.pk, day, due_at, expected_at, provisional, due_tomorrow_at))
    cursor.executemany("INSERT INTO datagen_due VALUES (%s, %s, %s, %s, %s, %s)", rows)
    # Working days counted up to each day: a paused clock keeps those in (pause, due].
    cursor.execute("CREATE TEMP TABLE datagen_workday (day date PRIMARY KEY, counted int)")
    last_day = today + dt.timedelta(days=120)
    cursor.executemany(
        "INSERT INTO datagen_workday VALUES (%s, %s)",
        [
            (first_day + dt.timedelta(days=n), calendar.working_days_between(first_day, first_day + dt.timedelta(n)))
            for n in range((last_day - first_day).days + 1)
        ],
    )
    # The "still overdue" reminders that follow an overdue reminder sent on a day
    # (escalation.clocks.next_reminder), oldest first.
    cursor.execute("CREATE TEMP TABLE datagen_still_overdue (overdue_day date PRIMARY KEY, reminders timestamptz[])")
    rows = []
    for day in days:
        chain, sent = [], day
        for _ in range(conf.MAX_REPEATS):
            sent = calendar.add_working_days(sent, conf.REPEAT_WORKING_DAYS)
            chain.append(clocks.reminder_time(sent))
        rows.append((day, chain))
    cursor.executemany("INSERT INTO datagen_still_overdue VALUES (%s, %s)", rows)
    for table in REFERENCE_TABLES:
        cursor.execute(f"ANALYZE {table}")
    return platform_ids, platform_bounds


def _consumers(cursor, pool: int, now: dt.datetime, span_days: int) -> tuple[int, int, int]:
    """Consumers 1..pool (the same people on every run), each with a profile and a
    verified email address."""
    cursor.execute("DROP TABLE IF EXISTS datagen_consumer")
    cursor.execute(
        """
        CREATE TEMP TABLE datagen_consumer AS
        SELECT k,
            'c' || k || '@' || (%(domains)s::text[])[1 + mod(k, %(domain_count)s)] AS email,
            '+86' || (%(prefixes)s::text[])[1 + mod(k, %(prefix_count)s)]
                || lpad(mod(k * 7919 + 4177, 100000000)::text, 8, '0') AS phone,
            (%(surnames)s::text[])[1 + mod(k, %(surname_count)s)]
                || (%(given)s::text[])[1 + mod(k / %(surname_count)s, %(given_count)s)] AS name,
            CASE WHEN mod(k, 100) < 7 THEN 'en' ELSE 'zh-hans' END AS language,
            NULL::integer AS user_id
        FROM generate_series(1, %(pool)s) AS k
        """,
        {
            "pool": pool,
            "domains": CONSUMER_EMAIL_DOMAINS,
            "domain_count": len(CONSUMER_EMAIL_DOMAINS),
            "prefixes": MOBILE_PREFIXES,
            "prefix_count": len(MOBILE_PREFIXES),
            "surnames": SURNAMES,
            "surname_count": len(SURNAMES),
            "given": GIVEN_NAMES,
            "given_count": len(GIVEN_NAMES),
        },
    )
    cursor.execute(
        """
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
            is_active, date_joined)
        SELECT '!', false, email, '', '', email, false, true,
            %(now)s::timestamptz - (%(span_days)s + 30 * random()) * interval '1 day'
        FROM datagen_consumer ORDER BY k
        ON CONFLICT (username) DO NOTHING
        """,
        {"now": now, "span_days": span_days},
    )
    users = cursor.rowcount
    cursor.execute("UPDATE datagen_consumer c SET user_id = u.id FROM auth_user u WHERE u.username = c.email")
    cursor.execute("ALTER TABLE datagen_consumer ADD PRIMARY KEY (k)")
    cursor.execute("ANALYZE datagen_consumer")
    cursor.execute(
        "INSERT INTO accounts_profile (display_name, phone, language, user_id)"
        " SELECT name, phone, language, user_id FROM datagen_consumer ORDER BY k ON CONFLICT DO NOTHING"
    )
    profiles = cursor.rowcount
    cursor.execute(
        'INSERT INTO account_emailaddress (email, verified, "primary", user_id)'
        " SELECT email, true, true, user_id FROM datagen_consumer ORDER BY k ON CONFLICT DO NOTHING"
    )
    return users, profiles, cursor.rowcount


def staff_pool() -> list[int]:
    """The supervisor and the reviewers complaints are assigned to (supervisor first);
    creates them if missing."""
    from django.contrib.auth import get_user_model

    from staff.roles import REVIEWER, SUPERVISOR, create_staff_groups

    User = get_user_model()
    groups = create_staff_groups()
    ids = []
    names = [(SUPERVISOR_USERNAME, SUPERVISOR)] + [
        (f"reviewer{n:02d}@staff.example.com", REVIEWER) for n in range(1, REVIEWERS + 1)
    ]
    for username, group in names:
        user, created = User.objects.get_or_create(username=username, defaults={"email": username, "is_staff": True})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(groups[group])
        ids.append(user.pk)
    return ids


# The plan: one row per complaint with every value drawn, ids in order of creation
# (the app's ids grow with time). Each CTE draws on the one before; OFFSET 0 keeps it
# a subquery of its own, so its columns are computed once per row instead of being
# expanded into every expression (and sort key) that uses them.
PLAN = """
CREATE TEMP TABLE datagen_plan AS
WITH draw AS (
    SELECT i,
        floor(random() * %(span_days)s)::int AS day_offset,
        random() AS r_daytime, random() AS r_time, random() AS r_status, random() AS r_platform,
        random() AS r_category, random() AS r_owner, random() AS r_review, random() AS r_reply,
        random() AS r_resolve, random() AS r_close, random() AS r_assign, random() AS r_order,
        random() AS r_amount, random() AS r_shop, random() AS r_outcome, random() AS r_text
    FROM generate_series(1, %(count)s) AS i
    OFFSET 0
), created AS (
    -- Most complaints are filed 08:00-23:00 Beijing time; none in the future.
    SELECT d.*, CASE WHEN drawn_at > %(now)s THEN drawn_at - interval '1 day' ELSE drawn_at END AS created_at
    FROM (
        SELECT d.*, ((%(today)s::date - day_offset) + CASE
            WHEN r_daytime < 0.85 THEN interval '8 hours' + r_time * interval '15 hours'
            ELSE r_time * interval '24 hours' END) AT TIME ZONE 'Asia/Shanghai' AS drawn_at
        FROM draw d
    ) d
    OFFSET 0
), chosen AS (
    SELECT c.*,
        (%(statuses)s::text[])[width_bucket(
            width_bucket(extract(epoch FROM %(now)s - created_at) / 86400, %(band_ages)s::float8[]) - 1 + r_status,
            %(status_bounds)s::float8[])] AS status,
        (%(platform_ids)s::bigint[])[width_bucket(r_platform, %(platform_bounds)s::float8[])] AS platform_id,
        (%(categories)s::text[])[width_bucket(r_category, %(category_bounds)s::float8[])] AS drawn_category,
        -- Skewed towards low numbers: a few consumers complain a lot.
        1 + floor(%(consumers)s * power(r_owner, 1.5))::int AS owner_k
    FROM created c
    OFFSET 0
), forwarded AS (
    SELECT c.*, pl.slug AS platform_slug, pl.order_number_kind,
        CASE WHEN c.status IN %(reached)s THEN created_at + least(
            (%(now)s - created_at) * 0.8, interval '30 minutes' + r_review * r_review * interval '3 days') END
            AS forwarded_at
    FROM chosen c JOIN complaints_platform pl ON pl.id = c.platform_id
    OFFSET 0
), answered AS (
    SELECT f.*,
        CASE WHEN status IN ('platform_responded', 'resolved', 'closed') THEN forwarded_at
            + least((%(now)s - forwarded_at) * 0.9, interval '6 days') * (0.05 + 0.95 * r_reply) END AS responded_at
    FROM forwarded f
    OFFSET 0
), resolved AS (
    SELECT a.*,
        CASE WHEN status IN ('resolved', 'closed') THEN responded_at
            + least((%(now)s - responded_at) * 0.9, interval '12 days') * r_resolve END AS resolved_at
    FROM answered a
    OFFSET 0
), timed AS (
    SELECT r.*,
        CASE status
            WHEN 'submitted' THEN created_at
            WHEN 'in_review' THEN created_at + least((%(now)s - created_at) * 0.9, interval '1 day') * r_review
            WHEN 'rejected' THEN created_at + least((%(now)s - created_at) * 0.9, interval '2 days') * r_review
            WHEN 'withdrawn' THEN created_at + least((%(now)s - created_at) * 0.9, interval '5 days') * r_review
            WHEN 'forwarded' THEN forwarded_at
            WHEN 'needs_info' THEN forwarded_at + least((%(now)s - forwarded_at) * 0.9, interval '4 days') * r_reply
            WHEN 'escalated' THEN forwarded_at + least((%(now)s - forwarded_at) * 0.9, interval '20 days') * r_reply
            WHEN 'platform_responded' THEN responded_at
            WHEN 'resolved' THEN resolved_at
            WHEN 'closed' THEN resolved_at + least((%(now)s - resolved_at) * 0.9, interval '10 days') * r_close
            ELSE created_at
        END AS status_changed_at,
        (created_at AT TIME ZONE 'Asia/Shanghai')::date AS created_day,
        -- Bargain ("helper") campaigns are Pinduoduo's.
        CASE WHEN drawn_category = 'bargain' AND platform_slug <> 'pinduoduo' THEN 'quality'
            ELSE drawn_category END AS category
    FROM resolved r
    OFFSET 0
), numbered AS (
    SELECT t.*, coalesce(rc.last_number, 0)
        + row_number() OVER (PARTITION BY created_day ORDER BY created_at, i) AS day_number
    FROM timed t LEFT JOIN complaints_referencecounter rc ON rc.day = t.created_day
), ordered AS (
    -- Ordered as the window above (created_day follows created_at): one sort for both.
    SELECT n.*, row_number() OVER (ORDER BY created_day, created_at, i) AS position FROM numbered n
)
SELECT %(first_id)s::bigint - 1 + position AS id,
    'TS-' || to_char(created_day, 'YYYYMMDD') || '-'
        || lpad(day_number::text, greatest(4, length(day_number::text)), '0') AS reference,
    owner_k, platform_id, category, status, created_at, status_changed_at, forwarded_at, responded_at, resolved_at,
    created_day - floor(r_order * 20)::int AS order_date,
    order_number_kind,
    round((5 * power(1000, r_amount))::numeric, 2) AS amount,
    CASE WHEN r_shop < 0.08 THEN '' ELSE
        (%(shop_prefixes)s::text[])[1 + mod(floor(r_shop * 1000000)::int, %(shop_prefix_count)s)]
        || (%(shop_suffixes)s::text[])[1 + mod(floor(r_shop * 1000)::int, %(shop_suffix_count)s)] END AS shop_name,
    {outcome} AS desired_outcome,
    {description} AS description,
    CASE WHEN status NOT IN ('submitted', 'withdrawn') AND r_assign < 0.7
        THEN (%(staff_ids)s::integer[])[1 + floor(r_assign / 0.7 * %(staff_count)s)::int] END AS assignee_id
FROM ordered
"""


def _plan(cursor, count, now, seed, span_days, bands, platform_ids, platform_bounds, staff_ids) -> None:
    from escalation import clocks

    statuses, status_bounds, band_ages = [], [], []
    for band, (age, weights) in enumerate(bands):
        keys, bounds = _bounds(weights, offset=band)
        statuses += keys
        status_bounds += bounds
        band_ages.append(age)
    categories, category_bounds = _bounds(CATEGORY_WEIGHTS)
    params = {
        "count": count,
        "now": now,
        "today": clocks.local_day(now),
        "span_days": span_days,
        "statuses": statuses,
        "status_bounds": status_bounds,
        "band_ages": band_ages,
        "reached": REACHED_PLATFORM,
        "platform_ids": platform_ids,
        "platform_bounds": platform_bounds,
        "categories": categories,
        "category_bounds": category_bounds,
        "consumers": max(1, count // 4),
        "shop_prefixes": SHOP_PREFIXES,
        "shop_prefix_count": len(SHOP_PREFIXES),
        "shop_suffixes": SHOP_SUFFIXES,
        "shop_suffix_count": len(SHOP_SUFFIXES),
        "staff_ids": staff_ids,
        "staff_count": len(staff_ids),
    }
    sql = PLAN.format(
        outcome=_case_pick("category", DESIRED_OUTCOMES, "r_outcome", params, "outcome"),
        description=_case_pick("category", DESCRIPTIONS, "r_text", params, "text"),
    )
    cursor.execute("DROP TABLE IF EXISTS datagen_plan")
    # Reserve `count` ids at once: the plan numbers its rows in order of creation.
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'),"
        " nextval(pg_get_serial_sequence('complaints_complaint', 'id')) + %s - 1) - %s + 1",
        [count, count],
    )
    params["first_id"] = cursor.fetchone()[0]
    cursor.execute(sql, params)
    cursor.execute("ALTER TABLE datagen_plan ADD PRIMARY KEY (id)")
    cursor.execute("ANALYZE datagen_plan")


# The clocks of the plan's complaints that reached the platform, each in the state
# its complaint's status leaves it (escalation.receivers), with the reminder the sweep
# would have scheduled by now.
PLAN_CLOCKS = """
CREATE TEMP TABLE datagen_clock AS
WITH started AS (
    SELECT p.id AS complaint_id, p.status, p.assignee_id, p.forwarded_at AS started_at, p.responded_at,
        p.resolved_at, p.status_changed_at, pol.policy_id, pol.kind, pol.kind_rank, pol.unit,
        CASE WHEN pol.unit = 'hours' THEN p.forwarded_at + pol.due_hours * interval '1 hour' ELSE d.due_at END
            AS due_at,
        CASE WHEN pol.unit = 'hours' THEN p.forwarded_at + pol.expected_hours * interval '1 hour'
            ELSE d.expected_at END AS expected_at,
        coalesce(d.provisional, false) AS provisional,
        d.due_tomorrow_at
    FROM datagen_plan p
    JOIN datagen_policy pol ON pol.platform_id = p.platform_id AND pol.kind_rank <= %(clocks)s
    LEFT JOIN datagen_due d
        ON d.policy_id = pol.policy_id AND d.start_day = (p.forwarded_at AT TIME ZONE 'Asia/Shanghai')::date
    WHERE p.forwarded_at IS NOT NULL
), stated AS (
    SELECT s.*,
        CASE status
            WHEN 'forwarded' THEN 'running'
            WHEN 'platform_responded' THEN CASE kind WHEN 'first_response' THEN 'met' ELSE 'running' END
            WHEN 'needs_info' THEN 'paused'
            WHEN 'escalated' THEN 'stopped'
            ELSE 'met'
        END AS state,
        -- The first reminder escalation.clocks.first_reminder chose when the clock started.
        CASE WHEN unit = 'working_days' AND due_tomorrow_at > started_at THEN 'due_tomorrow' ELSE 'overdue' END
            AS first_kind,
        due_at + interval '1 second' AS overdue_at
    FROM started s
), chained AS (
    SELECT st.*, so.reminders AS still_overdue,
        width_bucket(%(now)s::timestamptz, so.reminders) AS still_overdue_sent,
        wd_due.counted - wd_pause.counted AS paused_working_days
    FROM stated st
    LEFT JOIN datagen_still_overdue so
        ON st.state = 'running' AND so.overdue_day = (st.overdue_at AT TIME ZONE 'Asia/Shanghai')::date
    LEFT JOIN datagen_workday wd_due
        ON st.state = 'paused' AND wd_due.day = (st.due_at AT TIME ZONE 'Asia/Shanghai')::date
    LEFT JOIN datagen_workday wd_pause
        ON st.state = 'paused' AND wd_pause.day = (st.status_changed_at AT TIME ZONE 'Asia/Shanghai')::date
)
SELECT complaint_id, kind, kind_rank, policy_id, state, started_at, expected_at, due_at, provisional,
    CASE WHEN state = 'met' THEN CASE kind WHEN 'first_response' THEN responded_at ELSE resolved_at END END
        AS met_at,
    CASE WHEN state = 'stopped' THEN status_changed_at END AS stopped_at,
    CASE WHEN state = 'paused' THEN status_changed_at END AS paused_at,
    CASE WHEN state <> 'paused' THEN NULL
        WHEN unit = 'hours' THEN greatest(floor(extract(epoch FROM due_at - status_changed_at)), 0)::int
        ELSE greatest(paused_working_days, 0) END AS remaining,
    CASE WHEN state <> 'running' THEN NULL
        WHEN first_kind = 'due_tomorrow' AND due_tomorrow_at > %(now)s THEN due_tomorrow_at
        WHEN overdue_at > %(now)s THEN overdue_at
        ELSE still_overdue[still_overdue_sent + 1] END AS next_reminder_at,
    CASE WHEN state <> 'running' THEN ''
        WHEN first_kind = 'due_tomorrow' AND due_tomorrow_at > %(now)s THEN 'due_tomorrow'
        WHEN overdue_at > %(now)s THEN 'overdue'
        WHEN still_overdue_sent < array_length(still_overdue, 1) THEN 'still_overdue'
        ELSE '' END AS next_reminder_kind,
    CASE WHEN state <> 'running' THEN 0
        WHEN first_kind = 'due_tomorrow' AND due_tomorrow_at > %(now)s THEN 0
        WHEN overdue_at > %(now)s THEN (first_kind = 'due_tomorrow')::int
        ELSE (first_kind = 'due_tomorrow')::int + 1 + still_overdue_sent END AS reminder_seq,
    assignee_id AS started_by_id
FROM chained
"""


def _plan_clocks(cursor, now: dt.datetime, clocks_per_complaint: int) -> None:
    cursor.execute("DROP TABLE IF EXISTS datagen_clock")
    cursor.execute(PLAN_CLOCKS, {"now": now, "clocks": clocks_per_complaint})
    cursor.execute("ANALYZE datagen_clock")


INSERT_COMPLAINTS = """
INSERT INTO complaints_complaint (id, reference, owner_id, platform_id, category, order_number, order_date, amount,
    shop_name, description, desired_outcome, desired_outcome_detail, contact_name, contact_phone, contact_email,
    language, status, status_changed_at, assignee_id, next_deadline_at, next_deadline_provisional,
    submission_token, created_at, updated_at)
SELECT p.id, p.reference, c.user_id, p.platform_id, p.category,
    -- The shapes complaints.orders accepts: Pinduoduo YYMMDD-15 digits, Taobao/Tmall 19 digits.
    CASE p.order_number_kind
        WHEN 'pinduoduo' THEN to_char(p.order_date, 'YYMMDD') || '-'
            || lpad(mod(p.order_hash, 1000000000000000)::text, 15, '0')
        WHEN 'taobao' THEN (2 + mod(p.id, 2))::text || lpad(mod(p.order_hash, 1000000000000000000)::text, 18, '0')
        ELSE 'ORD-' || p.id
    END,
    p.order_date, p.amount, p.shop_name, p.description, p.desired_outcome,
    CASE WHEN p.desired_outcome = 'other'
        THEN (%(other_details)s::text[])[1 + mod(p.id, %(other_detail_count)s)] ELSE '' END,
    c.name, c.phone, c.email, c.language, p.status, p.status_changed_at, p.assignee_id,
    nd.due_at, coalesce(nd.provisional, false),
    md5(%(seed)s || ':' || p.id)::uuid, p.created_at, p.status_changed_at
FROM (
    -- 60 bits of a hash: digits spread like real order numbers, unlike a counter's.
    SELECT *, ('x' || substr(md5(%(seed)s || ':order:' || id), 1, 15))::bit(60)::bigint AS order_hash
    FROM datagen_plan
) p
JOIN datagen_consumer c ON c.k = p.owner_k
-- escalation.clocks.refresh_next_deadline: the earliest running clock.
LEFT JOIN (
    SELECT DISTINCT ON (complaint_id) complaint_id, due_at, provisional
    FROM datagen_clock WHERE state = 'running' ORDER BY complaint_id, due_at
) nd ON nd.complaint_id = p.id
ORDER BY p.id
"""

INSERT_CLOCKS = """
INSERT INTO escalation_clock (complaint_id, kind, policy_id, state, started_at, expected_at, due_at, provisional,
    met_at, stopped_at, paused_at, remaining, next_reminder_at, next_reminder_kind, reminder_seq, started_by_id,
    created_at)
SELECT complaint_id, kind, policy_id, state, started_at, expected_at, due_at, provisional, met_at, stopped_at,
    paused_at, remaining, next_reminder_at, next_reminder_kind, reminder_seq, started_by_id, started_at
FROM datagen_clock
ORDER BY started_at, complaint_id, kind_rank
"""

INSERT_SUBMITTED_EVENTS = """
INSERT INTO complaints_timelineevent (complaint_id, kind, actor_id, actor_role, from_status, to_status, text,
    staff_only, created_at)
SELECT p.id, 'submitted', c.user_id, 'consumer', '', 'submitted', '', false, p.created_at
FROM datagen_plan p JOIN datagen_consumer c ON c.k = p.owner_k
ORDER BY p.id
"""

# The app's next complaint of a generated day continues after the generated ones.
UPDATE_REFERENCE_COUNTERS = """
INSERT INTO complaints_referencecounter (day, last_number)
SELECT to_date(split_part(reference, '-', 2), 'YYYYMMDD'), max(split_part(reference, '-', 3)::int)
FROM datagen_plan GROUP BY 1
ON CONFLICT (day) DO UPDATE SET last_number = greatest(complaints_referencecounter.last_number, excluded.last_number)
"""


def _insert_complaints(cursor, seed: int) -> int:
    cursor.execute(
        INSERT_COMPLAINTS,
        {"seed": seed, "other_details": OTHER_OUTCOME_DETAILS, "other_detail_count": len(OTHER_OUTCOME_DETAILS)},
    )
    return cursor.rowcount


# --- Command line -------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("complaints", type=int, help="complaints the database should hold (tops up)")
    parser.add_argument("--clocks-per-complaint", type=int, default=2, choices=[0, 1, 2])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--days", type=int, default=DEFAULT_SPAN_DAYS, help="complaints created over this many days")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_datagen (a database you created).")
    setup_django()
    prepare_database()
    have = complaint_count()
    missing = args.complaints - have
    if missing <= 0:
        print(f"{have:,} complaints already; nothing to generate")
    else:
        print(f"generating {missing:,} complaints ({have:,} already there) ...", flush=True)
        started = time.perf_counter()
        added = generate(
            missing,
            clocks_per_complaint=args.clocks_per_complaint,
            seed=args.seed,
            span_days=args.days,
            progress=lambda line: print(line, flush=True),
        )
        seconds = time.perf_counter() - started
        print(
            f"generated {added['complaints_complaint']:,} complaints and {added['escalation_clock']:,} clocks"
            f" in {seconds:.0f} s"
        )
    started = time.perf_counter()
    analyze()
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")
    for table, count in row_counts().items():
        print(f"  {table:28} {count:>12,}")


if __name__ == "__main__":
    main()
