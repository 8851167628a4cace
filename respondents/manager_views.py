"""A manager's pages in the portal: the team (members, roles, invitations). Agents get
the same 404 as a stranger."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actions import membership as actions

from .models import Invitation, Member
from .views import member_required


def manager_required(view):
    @member_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.respondent_member.is_manager:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class InviteColleagueForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Colleague's work email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Member.Role.choices, initial=Member.Role.AGENT)


@manager_required
def team(request):
    manager = request.user.respondent_member
    form = InviteColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_colleague(manager, email=form.cleaned_data["email"], role=form.cleaned_data["role"])
        except actions.InvitationRefused as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s (valid 7 days).") % {"email": form.cleaned_data["email"]}
            )
            return redirect("respondents:team")
    organisation = manager.organisation
    context = {
        "organisation": organisation,
        "members": organisation.members.select_related("user").order_by("joined_at"),
        "pending": Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True).order_by(
            "-created_at"
        ),
        "form": form,
        "me": manager,
    }
    return render(request, "respondents/team.html", context, status=400 if form.errors else 200)


@manager_required
@require_POST
def change_member(request, pk):
    manager = request.user.respondent_member
    member = get_object_or_404(Member, pk=pk, organisation=manager.organisation)
    try:
        if request.POST.get("remove"):
            actions.change_member(manager, member, remove=True)
        elif request.POST.get("role") in Member.Role.values:
            actions.change_member(manager, member, role=request.POST["role"])
    except actions.InvitationRefused as error:
        messages.error(request, str(error))
    return redirect("respondents:team")
