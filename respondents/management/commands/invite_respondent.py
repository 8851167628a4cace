"""python manage.py invite_respondent --body pinduoduo --email ops@example.com

Prints a one-time link, valid 7 days, for the address to join the platform's
respondent organisation (made from the directory the first time). An address at a
domain the directory does not trust needs --documents, --checked-on and
--checked-by: what a supervisor saw (营业执照, authorisation letter), when, and who.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actions.membership import DocumentsChecked, InvitationRefused, invite
from channels.models import Body
from respondents.directory import platform_organisation
from respondents.models import Member


class Command(BaseCommand):
    help = "Invite a platform's first respondent member: prints a one-time link valid 7 days."

    def add_arguments(self, parser):
        parser.add_argument("--body", required=True, help="the directory body's slug, e.g. pinduoduo")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", choices=Member.Role.values, default=Member.Role.MANAGER)
        parser.add_argument("--documents", default="", help="documents seen, when the domain is not trusted")
        parser.add_argument("--checked-on", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--checked-by", help="the supervisor's username")

    def handle(self, *args, **options):
        body = Body.objects.filter(slug=options["body"], platform__isnull=False).first()
        if body is None:
            raise CommandError(f"no platform body with slug {options['body']!r}")
        documents = None
        if options["documents"]:
            if not (options["checked_on"] and options["checked_by"]):
                raise CommandError("--documents needs --checked-on and --checked-by")
            supervisor = get_user_model().objects.filter(username=options["checked_by"]).first()
            if supervisor is None:
                raise CommandError(f"no user {options['checked_by']!r}")
            documents = DocumentsChecked(seen=options["documents"], on=options["checked_on"], by=supervisor)
        organisation = platform_organisation(body)
        try:
            _invitation, link = invite(
                organisation, email=options["email"], invited_by=None, role=options["role"], documents=documents
            )
        except InvitationRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(link)
