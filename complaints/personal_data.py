from core.personal_data import KEEP, UNLINK, Declaration, blank, registry

registry.add(
    Declaration(
        "complaints.Complaint",
        {
            "owner": UNLINK,
            "assignee": KEEP,
            "reference": KEEP,
            "order_number": blank(),
            "shop_name": blank(),
            "product_name": blank(),
            # Where the merchant is: about the business, kept for the statistics.
            "merchant_province": KEEP,
            "merchant_city": KEEP,
            "description": blank(),
            "desired_outcome_detail": blank(),
            "contact_name": blank(),
            "contact_phone": blank(),
            "contact_email": blank(),
            "contact_email_confirmed_at": blank(None),
        },
        why="reference, the staff member assigned and the merchant's region say nothing about the consumer",
    ),
    Declaration(
        "complaints.Evidence",
        {
            "owner": KEEP,
            "complaint": KEEP,
            "rejection": KEEP,
            "original_name": KEEP,
            "content_type": KEEP,
            "sha256": KEEP,
        },
        delete_with_complaint=True,
        why="the row and its files go with the complaint",
    ),
    Declaration(
        "complaints.TimelineEvent",
        {"complaint": KEEP, "actor": UNLINK, "actor_role": KEEP, "text": blank()},
        why="the line stays (what happened, when); its text and the consumer as actor go",
    ),
    Declaration(
        "complaints.Consent",
        {"user": KEEP, "complaint": KEEP, "text_version": KEEP, "text": KEEP},
        delete_with_complaint=True,
        why="nothing is left to cover",
    ),
)
