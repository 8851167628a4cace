"""python manage.py respondent_token ORG_SLUG [--purpose TEXT] [--scope read --scope answer]

Prints a new API token for the organisation, once (only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from actions.integrations import create_token
from respondents.models import ApiToken, Organisation


class Command(BaseCommand):
    help = "Print a new API token for a respondent organisation (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's slug")
        parser.add_argument("--purpose", default="integration")
        parser.add_argument("--scope", action="append", choices=ApiToken.Scope.values, dest="scopes")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation {options['organisation']!r}")
        _token, key = create_token(
            organisation, purpose=options["purpose"], scopes=options["scopes"] or [ApiToken.Scope.READ]
        )
        self.stdout.write(key)
