from django.core.management.base import BaseCommand

from escalation.policies import load_policies


class Command(BaseCommand):
    help = "Create the deadline policies (each with its source) that do not exist yet. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Also rewrite existing policies' figures.")

    def handle(self, *args, update=False, **options):
        created, updated, skipped = load_policies(update=update)
        self.stdout.write(f"Deadline policies: {created} created, {updated} updated.")
        for slug in skipped:
            self.stderr.write(f"Skipped {slug}: its platform does not exist.")
