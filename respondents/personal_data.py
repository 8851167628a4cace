from core.personal_data import KEEP, Declaration, blank, registry

BUSINESS = "a respondent's own record (its people, its answers), not the consumer's"
registry.add(
    Declaration("respondents.Member", {"user": KEEP}, why=BUSINESS),
    Declaration(
        "respondents.Invitation",
        {
            "invited_by": KEEP,
            "documents_checked_by": KEEP,
            "accepted_by": KEEP,
            "email": KEEP,
            "key_hash": KEEP,
            "documents_checked": KEEP,
        },
        why=BUSINESS,
    ),
    Declaration("respondents.Delivery", {"complaint": KEEP}),
    Declaration(
        "respondents.Answer",
        {"complaint": KEEP, "author": KEEP, "message": blank(), "redirect_to": KEEP, "idempotency_key": KEEP},
        why="the answer stays for the figures; its message may repeat the consumer's details, so it goes",
    ),
    Declaration(
        "respondents.ApiToken", {"created_by": KEEP, "purpose": KEEP, "key_hash": KEEP, "prefix": KEEP, "scopes": KEEP}
    ),
    Declaration(
        "respondents.ShopConsent",
        {"complaint": KEEP, "user": KEEP, "text_version": KEEP, "text": KEEP},
        delete_with_complaint=True,
        why="nothing is left to cover",
    ),
    Declaration(
        "respondents.ShopApplication",
        {"applicant": KEEP, "decided_by": KEEP, "name": KEEP, "shop_page": KEEP, "reason": KEEP},
        why=BUSINESS,
    ),
)
