from django.shortcuts import get_object_or_404

from complaints.models import Complaint


def owned_complaint(request, reference) -> Complaint:
    """The consumer's own complaint (staff see every one); 404 for anyone else, so a
    stranger cannot learn that a reference exists."""
    queryset = Complaint.objects.select_related("platform", "owner")
    if not request.user.is_staff:
        queryset = queryset.filter(owner=request.user)
    return get_object_or_404(queryset, reference=reference)
