from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.parties import Party
from reading.blur import blur_except
from reading.engine import decode
from reading.reader import read_screenshot

from .read_screenshot import MAX_FILE_BYTES


class Command(BaseCommand):
    help = (
        "Write the copy of a screenshot as a recipient gets it by default: read with the app's OCR, "
        "blurred except the allow-list (order number, amounts, dates, status, shop, the platform's labels)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("out", type=Path)
        parser.add_argument("--recipient", choices=Party.values, default=Party.PLATFORM)

    def handle(self, *args, source, out, recipient, **options):
        try:
            if source.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{source} is larger than {MAX_FILE_BYTES} bytes")
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        image = decode(data)
        if image is None:
            raise CommandError(f"{source} is not an image that can be read")
        # Every recipient gets the same default copy: what the consumer chose to show is
        # per complaint (reading.sharing), and this command has none.
        reading = read_screenshot(data)
        blur_except(image, reading.shareable).save(out, format="PNG" if out.suffix.lower() == ".png" else "JPEG")
        self.stdout.write(f"{out}: {len(reading.shareable)} lines left readable for {recipient}")
