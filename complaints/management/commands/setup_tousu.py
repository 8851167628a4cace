"""Everything a fresh database needs after `migrate`, safe to run again.

Each app that has reference data ships an idempotent command; this one runs those
that exist, in order, so `make run` and deployments have one step to call.
"""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

SETUP_COMMANDS = ["load_channels", "load_deadline_policies", "create_staff_groups"]


class Command(BaseCommand):
    help = "Load reference data (contact channels, deadline policies, staff groups). Idempotent."

    def handle(self, *args, **options):
        available = get_commands()
        for name in SETUP_COMMANDS:
            if name in available:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
