"""Staff roles as Django groups: what each may do, in one place.

`create_staff_groups` (run by `setup_tousu`) makes the groups match this file.
Permissions of apps that are not installed or not migrated yet are skipped, so the
command never fails on a partial deployment.
"""

from django.contrib.auth.models import Group, Permission

REVIEWER = "reviewer"
SUPERVISOR = "supervisor"

# Reviewers work complaints: see and act on them (every action needs change_complaint),
# and contact the consumer (a logged reveal of the full phone and email, see complaints.access).
REVIEWER_PERMISSIONS = [
    ("complaints", "view_complaint"),
    ("complaints", "change_complaint"),
    ("complaints", "reveal_contact"),
    ("platforms", "view_platform"),
    ("complaints", "view_evidence"),
    ("complaints", "view_timelineevent"),
    ("complaints", "add_timelineevent"),
    # Respondents (respondents): see organisations and deliveries, invite at a trusted
    # domain, record an answer a platform gave off Tousu.
    ("respondents", "view_organisation"),
    ("respondents", "view_delivery"),
    ("respondents", "view_answer"),
    ("respondents", "add_invitation"),
    ("respondents", "add_answer"),
]
# Apps whose every model permission supervisors get: the contact directory, deadline
# policies, clocks and holiday overrides.
SUPERVISOR_APPS = ["channels", "escalation"]
SUPERVISOR_EXTRA = [
    # Keep the reply templates the action forms offer (staff.replies).
    ("staff", "view_replytemplate"),
    ("staff", "add_replytemplate"),
    ("staff", "change_replytemplate"),
    ("staff", "delete_replytemplate"),
    ("staff", "view_accesslog"),
    ("notifications", "view_outboundemail"),
    # Delete a consumer's account and erase their data on their request (actions.erasure).
    ("accounts", "erase_personal_data"),
    # Invite an address the directory does not vouch for, having seen the documents.
    ("respondents", "verify_documents"),
    ("respondents", "change_organisation"),
    ("respondents", "view_shopapplication"),
    ("respondents", "change_shopapplication"),
    ("respondents", "add_organisation"),
]


def _permissions(pairs):
    found = []
    for app_label, codename in pairs:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            found.append(permission)
    return found


def create_staff_groups() -> dict[str, Group]:
    """Create or update the reviewer and supervisor groups. Idempotent."""
    reviewer_perms = _permissions(REVIEWER_PERMISSIONS)
    supervisor_perms = [
        *reviewer_perms,
        *Permission.objects.filter(content_type__app_label__in=SUPERVISOR_APPS),
        *_permissions(SUPERVISOR_EXTRA),
    ]
    groups = {}
    for name, perms in ((REVIEWER, reviewer_perms), (SUPERVISOR, supervisor_perms)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(perms)
        groups[name] = group
    return groups
