from core.personal_data import KEEP, Declaration, registry

registry.add(
    Declaration("accounts.Profile", {"user": KEEP, "display_name": KEEP, "phone": KEEP}, why="deleted with the account")
)
