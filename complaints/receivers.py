"""Evidence files follow their rows: whatever deletes an Evidence row (the purge, an
erasure, a cascade from a complaint or a user, the admin) removes its files too."""

from django.db import transaction


def delete_files_of_deleted_evidence(sender, instance, **kwargs):
    """post_delete fires for each row, cascades included. The files go only once the
    deletion commits, so a rolled-back delete never leaves a row without its files."""
    from .evidence_pipeline import delete_evidence_files

    transaction.on_commit(lambda: delete_evidence_files(instance))
