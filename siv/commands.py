"""What the management commands of every app share."""

from datetime import date

from django.core.management.base import CommandError


def date_argument(value: str) -> date:
    """An argparse type: a YYYY-MM-DD date, or the command's usage error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None
