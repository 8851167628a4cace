from core.personal_data import KEEP, Declaration, registry

# The directory's verifications are staff's work: their names stay on it.
STAFF_RECORD = "a staff member's verification of a public contact, not a consumer's data"
registry.add(
    Declaration(
        "channels.Channel",
        dict.fromkeys(
            (
                "checked_by",
                "source",
                "verification_note",
                "key",
                "value",
                "normalised",
                "steps_zh",
                "steps_en",
                "notes_zh",
                "notes_en",
            ),
            KEEP,
        ),
        why=STAFF_RECORD,
    ),
    Declaration(
        "channels.ServiceHours",
        {"checked_by": KEEP, "source": KEEP, "verification_note": KEEP, "schedule": KEEP},
        why=STAFF_RECORD,
    ),
    Declaration(
        "channels.VerificationEvent",
        {"checked_by": KEEP, "source": KEEP, "note": KEEP, "recorded_by": KEEP},
        why=STAFF_RECORD,
    ),
)
