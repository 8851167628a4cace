"""Print a new API token for a respondent organisation (shown once; only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from actions.respondent_admin import Refused, create_token
from respondents.models import ApiToken, Organisation


class Command(BaseCommand):
    help = "Make an API token for an organisation and print it once."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's slug")
        parser.add_argument("--purpose", default="default", help="what the token is for (one live token per purpose)")
        parser.add_argument(
            "--scope",
            action="append",
            choices=ApiToken.Scope.values,
            dest="scopes",
            help="read and/or answer (repeat the option); default: both",
        )

    def handle(self, *args, organisation, purpose, scopes, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with the slug {organisation!r}.")
        try:
            _token, secret = create_token(found, purpose=purpose, scopes=scopes or list(ApiToken.Scope.values))
        except Refused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(secret)
