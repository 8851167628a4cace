"""Create (or reset) the demo consumer and staff accounts that `make run` prints.

Their passwords are in the README, so the command runs only with DEBUG on: on a
production database it would open a staff account to anyone who has read it.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import profile_for
from staff.roles import SUPERVISOR, create_staff_groups

DEMO_ACCOUNTS = [
    # email, password, display name, staff group (None: a consumer)
    ("consumer@tousu.local", "tousu-consumer-2026", "演示用户", None),
    ("staff@tousu.local", "tousu-staff-2026", "客服专员", SUPERVISOR),
]


class Command(BaseCommand):
    help = "Create the demo consumer and staff accounts (for local use only, DEBUG on) and print their passwords."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_demo_accounts refuses to run when DEBUG is off: its passwords are published in the README."
            )
        groups = create_staff_groups()
        User = get_user_model()
        for email, password, name, group in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
            user.email = email
            user.is_staff = group is not None
            # A role, not every permission: the demo shows what a supervisor may do.
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]] if group else [])
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            profile = profile_for(user)
            profile.display_name = name
            profile.phone = "" if group else "+8613800138000"
            profile.save()
            role = group or "consumer"
            self.stdout.write(f"  {role:10} {email:24} password: {password}")
