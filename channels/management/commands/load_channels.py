from django.core.management.base import BaseCommand, CommandError

from channels import loader


class Command(BaseCommand):
    help = "Load the reviewed contact directory (channels/data/channels.json). Idempotent; never replaces a staff verification."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(loader.DATA_FILE), help="Data file to load instead of the bundled one."
        )

    def handle(self, *args, **options):
        try:
            report = loader.load(loader.read_data(options["file"]))
        except (loader.DataFileError, ValueError, KeyError) as exc:
            raise CommandError(f"{options['file']}: {exc}")
        self.stdout.write(f"load_channels: {report}")
