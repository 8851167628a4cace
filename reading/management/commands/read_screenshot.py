import json
from pathlib import Path

from django.core.management.base import BaseCommand

from reading.reader import Reading, read_screenshot

# A larger file is not a phone screenshot; read nothing rather than load it whole.
MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Read order facts and personal-data boxes from screenshots; one JSON object per file per line."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        for path in files:
            try:
                too_big = path.stat().st_size > MAX_FILE_BYTES
                reading = Reading(readable=False) if too_big else read_screenshot(path.read_bytes())
            except OSError:  # missing or unreadable file: report nothing found for it
                reading = Reading(readable=False)
            self.stdout.write(json.dumps({"file": str(path), **reading.as_line()}, ensure_ascii=False))
