"""How an evidence file is streamed to whoever complaints.access let open it: the
consumer's own URLs (complaints.views) and the staff admin's (staff.admin) alike."""

from django.http import FileResponse

from core.private_responses import private_image

from .models import Evidence


def evidence_response(evidence: Evidence, *, thumbnail: bool = False) -> FileResponse:
    """The sanitised copy (or its JPEG thumbnail) with the content type we determined
    ourselves, streamed from the evidence storage (local folder or private bucket),
    never by redirecting to a storage URL."""
    field = evidence.thumbnail if thumbnail else evidence.file
    response = FileResponse(
        field.open("rb"),
        content_type="image/jpeg" if thumbnail else evidence.content_type,
        as_attachment=False,
        filename=evidence.original_name,
    )
    return private_image(response)
