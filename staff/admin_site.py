"""The staff admin site: Django's admin, signed in to only through allauth.

Django's admin has a login form of its own that no rate limit guards. Staff sign in on
allauth's login page instead, the consumers' one, so the same lockout
(ACCOUNT_RATE_LIMITS "login_failed") and the two-factor step (allauth.mfa) apply to them.
(allauth's own `secure_admin_login` does the same for visitors, but still hands a signed-in
staff member's POST to Django's unguarded form; this view never reads a password.)
"""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class StaffAdminSite(AdminSite):
    def get_urls(self):
        # Django's "view on site" shortcut (/admin/r/<content type>/<id>/) answers any
        # staff account with the object's public URL, which names a complaint's reference
        # or an evidence id: only for those who may view that kind of object.
        urls = super().get_urls()
        for pattern in urls:
            if getattr(pattern, "name", None) == "view_on_site":
                pattern.callback = self.admin_view(self._guarded_shortcut)
        return urls

    def _guarded_shortcut(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut
        from django.http import Http404

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        if content_type is None:
            raise Http404
        if not request.user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
            raise PermissionDenied
        return shortcut(request, content_type_id, object_id)

    def login(self, request, extra_context=None):
        """Send the visitor to allauth's login page, keeping where they were going.

        Credentials posted here are never checked: this page has no form of its own.
        """
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(next_url)
        if request.user.is_authenticated:
            # Signed in, but not staff: allauth would send them straight back here.
            raise PermissionDenied
        return redirect_to_login(next_url, login_url=reverse("account_login"))
