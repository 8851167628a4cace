"""The headers every response that carries a consumer's personal data gets, in one place:
evidence images and their shared copies, packets, paperwork PDFs, the data copy."""

# No browser, proxy or shared-computer cache may keep a copy.
PRIVATE_CACHE_CONTROL = "private, no-store"
# An image is shown as an image only: never sniffed as something else, never run as a page.
IMAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def private(response):
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def private_image(response):
    private(response)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_CONTENT_SECURITY_POLICY
    return response


def private_download(response, filename: str):
    """A file the browser saves rather than shows (a PDF, a ZIP)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)
