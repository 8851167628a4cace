from django.core.management.base import BaseCommand

from staff.roles import create_staff_groups


class Command(BaseCommand):
    help = "Create or update the reviewer and supervisor staff groups. Idempotent."

    def handle(self, *args, **options):
        for name, group in create_staff_groups().items():
            self.stdout.write(f"group {name}: {group.permissions.count()} permissions")
