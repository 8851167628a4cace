"""Posting the admin's "add channel" form, with its empty inline formsets."""

CHANNEL_ADD = "/admin/channels/channel/add/"


def add_channel_in_admin(client, body, *, key, kind, value):
    return client.post(
        CHANNEL_ADD,
        {
            "body": body.pk,
            "key": key,
            "kind": kind,
            "value": value,
            "audience": "consumers",
            "steps_zh": "[]",
            "steps_en": "[]",
            "notes_zh": "",
            "notes_en": "",
            "wrong_reason": "",
            "belongs_to": "",
            "hours-TOTAL_FORMS": "0",
            "hours-INITIAL_FORMS": "0",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "1",
            "verification_events-TOTAL_FORMS": "0",
            "verification_events-INITIAL_FORMS": "0",
            "verification_events-MIN_NUM_FORMS": "0",
            "verification_events-MAX_NUM_FORMS": "0",
        },
    )
