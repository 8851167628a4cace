"""bench/datagen.py's escalation ladder: for every escalated complaint, the route it
took and how far it got, its steps (EscalationFiling) and, through datagen_clocks, the
route clocks those steps started or met; for every resolved or closed complaint, the
"Was it solved?" question (escalation.solved).

What each stage leaves behind is worked out here from the app's own rules
(escalation.ladder.REQUIRES and EFFECTS), not written down a second time: a stage is
(route, last step recorded), its steps are the chain that leads to it, and replaying
their effects gives each route clock's state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from datagen_complaints import weight_bounds

# How far escalated complaints got, by (route, last step recorded): every route clock
# kind runs somewhere (ODR negotiation, 12315 acceptance, mediation, association
# check-in); a court filing leaves none running.
ROUTE_STAGE_WEIGHTS = {
    "12315_odr:filed": 24,
    "12315:filed": 24,
    "12315:accepted": 24,
    "association:filed": 24,
    "court:filed": 4,
}
# Steps are recorded for a day; escalation.ladder.apply_effect counts from its midday.
STEP_TIME = dt.timedelta(hours=11, minutes=59, seconds=59)
# "Was it solved?": the share of consumers who answered, and of those who said yes.
SOLVED_ANSWERED = 0.4
SOLVED_YES = 0.75


def stage_steps(stage: str) -> list[tuple[str, str]]:
    """(route, step) recorded to reach `stage`, oldest first."""
    from escalation import ladder
    from escalation.models import StepKind

    route, step = stage.split(":")
    if step not in ladder.STEPS.get(route, ()):
        raise ValueError(f"no step {step!r} on route {route!r}")
    chain = [StepKind.FILED]
    needed = ladder.REQUIRES.get((route, step))
    if needed:
        chain.append(needed)
    if step not in chain:
        chain.append(step)
    return [(route, s) for s in chain]


def stage_clocks(stage: str) -> list[tuple[str, int, str, int | None]]:
    """(clock kind, step that started it, state, step that met it) for the route clocks
    `stage` leaves, replaying escalation.ladder.EFFECTS; steps are 1-based."""
    from escalation import ladder

    started: dict[str, list] = {}
    for number, (route, step) in enumerate(stage_steps(stage), start=1):
        effect = ladder.EFFECTS[(route, step)]
        for kind in effect.meet:
            if kind in started and started[kind][1] == "running":
                started[kind][1:] = ["met", number]
        for kind in effect.stop:
            if kind in started and started[kind][1] == "running":
                started[kind][1:] = ["stopped", None]
        if effect.start:
            started[effect.start] = [number, "running", None]
    return [(kind, first, state, met) for kind, (first, state, met) in started.items()]


ROUTE_TABLES = ("datagen_route", "datagen_stage_clock", "datagen_stage_step")

# One row per escalated complaint: its stage and the day of each of its steps (the
# filing on the day it was escalated; 12315's decision up to 7 days later, never
# after now).
PLAN_ROUTES = """
CREATE TEMP TABLE datagen_route AS
SELECT id AS complaint_id, owner_k, assignee_id,
    (%(stages)s::text[])[width_bucket(r_stage, %(stage_bounds)s::float8[])] AS stage,
    ARRAY[(status_changed_at AT TIME ZONE 'Asia/Shanghai')::date,
        ((status_changed_at + least((%(now)s - status_changed_at) * 0.9, interval '7 days') * r_step)
            AT TIME ZONE 'Asia/Shanghai')::date] AS days
FROM (SELECT p.*, random() AS r_stage, random() AS r_step FROM datagen_plan p WHERE status = 'escalated' OFFSET 0) p
"""

INSERT_FILINGS = """
INSERT INTO escalation_escalationfiling (complaint_id, route, step, body, reference, filed_on, reason,
    recorded_by_id, recorded_role, created_at)
SELECT r.complaint_id, ss.route, ss.step, ss.body,
    CASE WHEN ss.step = 'filed' THEN 'DG-' || r.complaint_id ELSE '' END,
    r.days[ss.number], '', c.user_id, 'consumer', (r.days[ss.number] + %(step_time)s) AT TIME ZONE 'Asia/Shanghai'
FROM datagen_route r
JOIN datagen_stage_step ss ON ss.stage = r.stage
JOIN datagen_consumer c ON c.k = r.owner_k
ORDER BY r.complaint_id, ss.number
"""

# Asked when the complaint was resolved; asked again four weeks later if unanswered
# (ask_again_at cleared once that happened, as actions.solved.ask_again_due does).
INSERT_SOLVED_QUESTIONS = """
INSERT INTO escalation_solvedquestion (complaint_id, asked_at, ask_again_at, answered_at, solved)
SELECT id, resolved_at,
    CASE WHEN NOT answered AND resolved_at + %(ask_again)s > %(now)s THEN resolved_at + %(ask_again)s END,
    CASE WHEN answered THEN resolved_at + (%(now)s - resolved_at) * r_answer END,
    CASE WHEN answered THEN r_solved < %(yes)s END
FROM (
    SELECT id, resolved_at, random() < %(answered)s AS answered, random() AS r_answer, random() AS r_solved
    FROM datagen_plan WHERE status IN ('resolved', 'closed') AND resolved_at IS NOT NULL
    OFFSET 0
) p
ORDER BY id
"""


def plan_routes(cursor, now: dt.datetime, weights: Mapping[str, float]) -> None:
    """datagen_route for the plan's escalated complaints, and what each stage leaves:
    datagen_stage_step (its steps) and datagen_stage_clock (its route clocks)."""
    from escalation import ladder

    stages, stage_bounds = weight_bounds(weights)
    for table in ROUTE_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute("CREATE TEMP TABLE datagen_stage_step (stage text, number int, route text, step text, body text)")
    cursor.executemany(
        "INSERT INTO datagen_stage_step VALUES (%s, %s, %s, %s, %s)",
        [
            (stage, number, route, step, ladder.BODY_OF_ROUTE[route])
            for stage in stages
            for number, (route, step) in enumerate(stage_steps(stage), start=1)
        ],
    )
    cursor.execute("CREATE TEMP TABLE datagen_stage_clock (stage text, kind text, started_step int, state text,"
                   " met_step int)")  # fmt: skip
    cursor.executemany(
        "INSERT INTO datagen_stage_clock VALUES (%s, %s, %s, %s, %s)",
        [(stage, *row) for stage in stages for row in stage_clocks(stage)],
    )
    cursor.execute(PLAN_ROUTES, {"now": now, "stages": stages, "stage_bounds": stage_bounds})
    for table in ROUTE_TABLES:
        cursor.execute(f"ANALYZE {table}")


def insert_filings(cursor) -> int:
    cursor.execute(INSERT_FILINGS, {"step_time": STEP_TIME})
    return cursor.rowcount


def insert_solved_questions(cursor, now: dt.datetime) -> int:
    from escalation.solved import ask_again_after

    cursor.execute(
        INSERT_SOLVED_QUESTIONS,
        {"now": now, "ask_again": ask_again_after(), "answered": SOLVED_ANSWERED, "yes": SOLVED_YES},
    )
    return cursor.rowcount
