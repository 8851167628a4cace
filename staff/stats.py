"""Statistics placeholder (filled in below)."""


def public_statistics():
    return {"rows": []}
