from core.personal_data import KEEP, Declaration, registry

registry.add(
    Declaration("accounts.Profile", {"user": KEEP, "display_name": KEEP, "phone": KEEP}, why="deleted with the account")
)
registry.add(
    Declaration(
        "accounts.PhoneNumber",
        {"user": KEEP, "phone": KEEP},
        why="the account's sign-in number, deleted with the account",
    ),
    Declaration(
        "accounts.ContactPreference",
        {"user": KEEP, "channels": KEEP, "text_version": KEEP, "text": KEEP, "how": KEEP},
        why="the consumer's own choice and consent, deleted with the account",
    ),
)
