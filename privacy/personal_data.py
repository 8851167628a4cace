"""Declarations for the models of the libraries we use (allauth, Django's admin)."""

from core.personal_data import KEEP, Declaration, registry

registry.add(
    Declaration("account.EmailAddress", {"user": KEEP, "email": KEEP}, why="deleted with the account"),
    Declaration("mfa.Authenticator", {"user": KEEP, "data": KEEP}, why="deleted with the account"),
    Declaration(
        "admin.LogEntry",
        {"user": KEEP, "object_id": KEEP, "object_repr": KEEP, "change_message": KEEP},
        why="staff's actions; the entry naming a deleted account is blanked by actions.erasure.erase_account",
    ),
)
