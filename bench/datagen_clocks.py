"""bench/datagen.py's clocks: the app's deadline rules as small tables computed by the
app's own code (escalation.clocks, the working-day calendar), joined in SQL to the
planned complaints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from datagen_complaints import weight_bounds

REFERENCE_TABLES = ("datagen_policy", "datagen_due", "datagen_workday", "datagen_still_overdue")


def _kind_rank(kind: str) -> int:
    """Platform clocks 1-2 (clocks_per_complaint counts them), then the routes' clocks."""
    from escalation.models import PLATFORM_KINDS, REGULATOR_KINDS

    return (*PLATFORM_KINDS, *REGULATOR_KINDS).index(kind) + 1


def reference_tables(cursor, now: dt.datetime, span_days: int, platform_weights: Mapping[str, float]):
    """The app's deadline rules as small tables keyed by day, computed by the app's code."""
    from core.parties import Party
    from escalation import clocks, conf, workdays
    from escalation.models import PLATFORM_KINDS, REGULATOR_KINDS, DeadlinePolicy, Unit
    from platforms.models import Platform

    by_slug = dict(Platform.objects.values_list("slug", "id"))
    missing = set(platform_weights) - set(by_slug)
    if missing:
        raise ValueError(f"no such platforms: {sorted(missing)} (have {sorted(by_slug)})")
    slugs, platform_bounds = weight_bounds(platform_weights)
    platform_ids = [by_slug[slug] for slug in slugs]
    # The policies escalation.clocks.platform_policies starts clocks from.
    if not DeadlinePolicy.objects.exists():
        raise RuntimeError("no deadline policies: run `manage.py setup_tousu` first (prepare_database does)")
    policies = list(
        DeadlinePolicy.objects.filter(
            body=Party.PLATFORM, platform__isnull=False, kind__in=PLATFORM_KINDS, active=True
        ).exclude(due_after=None)
    )
    # The policy actions.clocks.start_route_clock starts each route clock from.
    for kind in REGULATOR_KINDS:
        policy = DeadlinePolicy.objects.filter(kind=kind, platform=None).exclude(body=Party.PLATFORM).first()
        if policy is not None and policy.runs:
            policies.append(policy)
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
                _kind_rank(p.kind),
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


# The clocks of the plan's complaints: the platform's for those that reached it, each
# in the state its complaint's status leaves it (actions.status), and the route
# clocks the steps of an escalated complaint started or met (datagen_routes, after
# escalation.ladder.EFFECTS); running ones with the reminder the sweep would have
# scheduled by now.
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
        d.due_tomorrow_at, NULL::text AS route_state, NULL::timestamptz AS route_met_at
    FROM datagen_plan p
    JOIN datagen_policy pol ON pol.platform_id = p.platform_id AND pol.kind_rank <= %(clocks)s
    LEFT JOIN datagen_due d
        ON d.policy_id = pol.policy_id AND d.start_day = (p.forwarded_at AT TIME ZONE 'Asia/Shanghai')::date
    WHERE p.forwarded_at IS NOT NULL
    UNION ALL
    -- Started at midday of the step's day, as escalation.ladder.apply_effect counts.
    SELECT r.complaint_id, 'escalated', r.assignee_id, (r.days[sc.started_step] + %(step_time)s) AT TIME ZONE 'Asia/Shanghai',
        NULL, NULL, NULL, pol.policy_id, pol.kind, pol.kind_rank, pol.unit, d.due_at, d.expected_at,
        coalesce(d.provisional, false), d.due_tomorrow_at, sc.state,
        (r.days[sc.met_step] + %(step_time)s) AT TIME ZONE 'Asia/Shanghai'
    FROM datagen_route r
    JOIN datagen_stage_clock sc ON sc.stage = r.stage
    JOIN datagen_policy pol ON pol.platform_id IS NULL AND pol.kind = sc.kind
    JOIN datagen_due d ON d.policy_id = pol.policy_id AND d.start_day = r.days[sc.started_step]
), stated AS (
    SELECT s.*,
        CASE WHEN route_state IS NOT NULL THEN route_state ELSE CASE status
            WHEN 'forwarded' THEN 'running'
            WHEN 'platform_responded' THEN CASE kind WHEN 'first_response' THEN 'met' ELSE 'running' END
            WHEN 'needs_info' THEN 'paused'
            WHEN 'escalated' THEN 'stopped'
            ELSE 'met'
        END END AS state,
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
    CASE WHEN state = 'met' THEN coalesce(
        route_met_at, CASE kind WHEN 'first_response' THEN responded_at ELSE resolved_at END) END AS met_at,
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


def plan_clocks(cursor, now: dt.datetime, clocks_per_complaint: int) -> None:
    """After datagen_routes.plan_routes (its datagen_route and datagen_stage_clock)."""
    from datagen_routes import STEP_TIME

    cursor.execute("DROP TABLE IF EXISTS datagen_clock")
    cursor.execute(PLAN_CLOCKS, {"now": now, "clocks": clocks_per_complaint, "step_time": STEP_TIME})
    cursor.execute("ANALYZE datagen_clock")


INSERT_CLOCKS = """
INSERT INTO escalation_clock (complaint_id, kind, policy_id, state, started_at, expected_at, due_at, provisional,
    met_at, stopped_at, paused_at, remaining, next_reminder_at, next_reminder_kind, reminder_seq, started_by_id,
    created_at)
SELECT complaint_id, kind, policy_id, state, started_at, expected_at, due_at, provisional, met_at, stopped_at,
    paused_at, remaining, next_reminder_at, next_reminder_kind, reminder_seq, started_by_id, started_at
FROM datagen_clock
ORDER BY started_at, complaint_id, kind_rank
"""
