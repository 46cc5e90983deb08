import json

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    help = "The client SIV signs in with, and the provider's people (a JSON list)."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uris", required=True)
        parser.add_argument("--people", required=True)

    def handle(self, *args, client_id, client_secret, redirect_uris, people, **options):
        Application.objects.create(
            name="SIV",
            client_id=client_id,
            client_secret=client_secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uris,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        for person in json.loads(people):
            user = User.objects.create_user(
                person["username"],
                email=person.get("email", ""),
                password=person["password"],
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
            )
            for name in person.get("groups", []):
                user.groups.add(Group.objects.get_or_create(name=name)[0])
