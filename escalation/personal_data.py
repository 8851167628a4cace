from core.personal_data import KEEP, UNLINK, Declaration, blank, registry

registry.add(
    Declaration("escalation.Clock", {"complaint": KEEP, "started_by": UNLINK, "start_confirmed_by": UNLINK}),
    Declaration("escalation.ReminderMute", {"complaint": KEEP}),
    Declaration("escalation.PlatformFiling", {"complaint": KEEP, "ticket": blank()}),
    Declaration(
        "escalation.EscalationFiling",
        {"complaint": KEEP, "recorded_by": UNLINK, "reference": blank(), "reason": blank(), "recorded_role": KEEP},
    ),
    Declaration("escalation.SolvedQuestion", {"complaint": KEEP}),
    # The consumer's own words and what they wrote each screenshot proves: theirs, erased.
    Declaration("escalation.PaperworkDraft", {"complaint": KEEP, "own_words": blank(), "evidence_list": blank([])}),
)
