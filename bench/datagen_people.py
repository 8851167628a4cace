"""bench/datagen.py's people: the consumers who own the complaints and the staff
they are assigned to."""

from __future__ import annotations

import datetime as dt

from datagen_vocab import (
    CONSUMER_EMAIL_DOMAINS,
    GIVEN_NAMES,
    MOBILE_PREFIXES,
    REVIEWERS,
    SUPERVISOR_USERNAME,
    SURNAMES,
)


def make_consumers(cursor, pool: int, now: dt.datetime, span_days: int) -> tuple[int, int, int]:
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
