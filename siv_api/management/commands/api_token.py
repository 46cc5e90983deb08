from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from siv_api.services import token_issue


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print its key: the only time it is shown "
        "(--rotate also revokes the user's other tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Revoke the user's existing tokens."
        )

    def handle(self, *args, username, rotate, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if not user.role:
            raise CommandError("The user has no role; a token would give no access.")
        self.stdout.write(token_issue(user=user, rotate=rotate).key)
