from core.personal_data import KEEP, Declaration, registry

registry.add(
    Declaration(
        "staff.AccessLog",
        {"user": KEEP, "complaint": KEEP},
        why="who opened a consumer's data is the staff member's and the respondent's record",
    )
)
