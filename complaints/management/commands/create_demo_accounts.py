"""Create (or reset) the demo consumer and staff accounts that `make run` prints."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.models import profile_for

DEMO_ACCOUNTS = [
    # email, password, display name, is staff
    ("consumer@tousu.local", "tousu-consumer-2026", "演示用户", False),
    ("staff@tousu.local", "tousu-staff-2026", "客服专员", True),
]


class Command(BaseCommand):
    help = "Create the demo consumer and staff accounts (for local use only) and print their passwords."

    def handle(self, *args, **options):
        User = get_user_model()
        for email, password, name, is_staff in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
            user.email = email
            user.is_staff = is_staff
            user.is_superuser = is_staff
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            profile = profile_for(user)
            profile.display_name = name
            profile.phone = "+8613800138000" if not is_staff else ""
            profile.save()
            if is_staff:
                group = Group.objects.filter(name="supervisor").first()
                if group:
                    user.groups.add(group)
            role = "staff" if is_staff else "consumer"
            self.stdout.write(f"  {role:9} {email:24} password: {password}")
