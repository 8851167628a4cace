"""Masked contact details for lists and pages; the full value only through a logged reveal."""

from accounts.phones import mask_phone

__all__ = ["mask_email", "mask_phone"]


def mask_email(address: str) -> str:
    """w***@example.com: the first letter and the domain, enough to tell two apart."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"
