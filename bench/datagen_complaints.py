"""bench/datagen.py's complaints: the plan (one row per complaint, every value drawn
in SQL), then the complaints, their "submitted" events and the reference counters."""

from __future__ import annotations

from collections.abc import Mapping

from datagen_vocab import (
    CATEGORY_WEIGHTS,
    DESCRIPTIONS,
    DESIRED_OUTCOMES,
    OTHER_OUTCOME_DETAILS,
    REACHED_PLATFORM,
    SHOP_PREFIXES,
    SHOP_SUFFIXES,
)


def weight_bounds(weights: Mapping[str, float], offset: float = 0.0) -> tuple[list[str], list[float]]:
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


def case_pick(key_sql: str, choices: Mapping[str, list[str]], draw_sql: str, params: dict, name: str) -> str:
    """SQL choosing among choices[key] with the uniform draw `draw_sql`."""
    arms = []
    for n, (key, options) in enumerate(choices.items()):
        params[f"{name}_key_{n}"] = key
        params[f"{name}_options_{n}"] = options
        arms.append(
            f"WHEN %({name}_key_{n})s THEN (%({name}_options_{n})s::text[])[1 + floor({draw_sql} * {len(options)})::int]"
        )
    return f"CASE {key_sql} {' '.join(arms)} END"


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


def plan_complaints(cursor, count, now, seed, span_days, bands, platform_ids, platform_bounds, staff_ids) -> None:
    from escalation import clocks

    statuses, status_bounds, band_ages = [], [], []
    for band, (age, weights) in enumerate(bands):
        keys, bounds = weight_bounds(weights, offset=band)
        statuses += keys
        status_bounds += bounds
        band_ages.append(age)
    categories, category_bounds = weight_bounds(CATEGORY_WEIGHTS)
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
        outcome=case_pick("category", DESIRED_OUTCOMES, "r_outcome", params, "outcome"),
        description=case_pick("category", DESCRIPTIONS, "r_text", params, "text"),
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


INSERT_COMPLAINTS = """
INSERT INTO complaints_complaint (id, reference, owner_id, platform_id, category, order_number, order_date, amount,
    shop_name, description, desired_outcome, desired_outcome_detail, contact_name, contact_phone, contact_email,
    language, status, status_changed_at, assignee_id, next_deadline_at, next_deadline_provisional,
    submission_token, created_at, updated_at, product_name, merchant_province, merchant_city)
SELECT p.id, p.reference, c.user_id, p.platform_id, p.category,
    -- The shapes platforms.orders accepts: Pinduoduo YYMMDD-15 digits, Taobao/Tmall 19 digits.
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
    md5(%(seed)s || ':' || p.id)::uuid, p.created_at, p.status_changed_at, '', '', ''
FROM (
    -- 60 bits of a hash: digits spread like real order numbers, unlike a counter's.
    SELECT *, ('x' || substr(md5(%(seed)s || ':order:' || id), 1, 15))::bit(60)::bigint AS order_hash
    FROM datagen_plan
) p
JOIN datagen_consumer c ON c.k = p.owner_k
-- actions.clocks.refresh_next_deadline: the earliest running clock.
LEFT JOIN (
    SELECT DISTINCT ON (complaint_id) complaint_id, due_at, provisional
    FROM datagen_clock WHERE state = 'running' ORDER BY complaint_id, due_at
) nd ON nd.complaint_id = p.id
ORDER BY p.id
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


def insert_complaints(cursor, seed: int) -> int:
    cursor.execute(
        INSERT_COMPLAINTS,
        {"seed": seed, "other_details": OTHER_OUTCOME_DETAILS, "other_detail_count": len(OTHER_OUTCOME_DETAILS)},
    )
    return cursor.rowcount
