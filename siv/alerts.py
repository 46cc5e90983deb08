"""The volume rule: one user who, within an hour, has many CPR numbers shown, makes many
exports or asks for many records outside their access may be harvesting data or probing
for it. Celery beat runs the rule every ten minutes; each user over a threshold is reported
to the administrators by mail and in the audit log, at most once an hour.

The mail names the user and the counts, nothing else: no citizen, no CPR number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db.models import CharField, Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .models import AuditAction, AuditEntry
from .roles import Role

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class VolumeAlert:
    user_id: int
    username: str
    reveals: int
    exports: int
    foreign: int


def users_over_thresholds(*, now: datetime) -> list[VolumeAlert]:
    """The users over a threshold within the hour before `now` who have not been reported
    within that hour: one grouped query."""
    since = now - WINDOW
    reported = AuditEntry.objects.filter(
        action=AuditAction.ALERT,
        at__gt=since,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=Cast(OuterRef("actor_id"), CharField()),
    )
    rows = (
        AuditEntry.objects.filter(
            at__gt=since,
            at__lte=now,
            actor__isnull=False,
            action__in=[AuditAction.REVEAL, AuditAction.EXPORT, AuditAction.FOREIGN],
        )
        .filter(~Exists(reported))
        .values("actor_id")
        .annotate(
            username=Max("actor_username"),
            reveals=Count("pk", filter=Q(action=AuditAction.REVEAL)),
            exports=Count("pk", filter=Q(action=AuditAction.EXPORT)),
            foreign=Count("pk", filter=Q(action=AuditAction.FOREIGN)),
        )
        .filter(
            Q(reveals__gte=settings.SIV_ALERT_REVEALS_PER_HOUR)
            | Q(exports__gte=settings.SIV_ALERT_EXPORTS_PER_HOUR)
            | Q(foreign__gte=settings.SIV_ALERT_FOREIGN_PER_HOUR)
        )
        .order_by("actor_id")
    )
    return [VolumeAlert(user_id=row.pop("actor_id"), **row) for row in rows]


def _message(alert: VolumeAlert, recipients: list[str], connection) -> EmailMessage:
    body = _(
        "Brugeren %(username)s har inden for den seneste time:\n\n"
        "- fået vist CPR-numre %(reveals)s gange (grænse %(reveal_limit)s)\n"
        "- lavet %(exports)s eksporter (grænse %(export_limit)s)\n"
        "- bedt om %(foreign)s poster uden for sin adgang (grænse %(foreign_limit)s)\n\n"
        "Se brugerens handlinger i revisionsloggen i SIV."
    ) % {
        "username": alert.username,
        "reveals": alert.reveals,
        "exports": alert.exports,
        "foreign": alert.foreign,
        "reveal_limit": settings.SIV_ALERT_REVEALS_PER_HOUR,
        "export_limit": settings.SIV_ALERT_EXPORTS_PER_HOUR,
        "foreign_limit": settings.SIV_ALERT_FOREIGN_PER_HOUR,
    }
    subject = _("SIV: usædvanlig aktivitet for brugeren %(username)s") % {
        "username": alert.username
    }
    return EmailMessage(subject, body, to=recipients, connection=connection)


def raise_volume_alerts(*, now: datetime | None = None) -> list[VolumeAlert]:
    """Report each user over a threshold to the active administrators: a mail each, then a
    row in the audit log about the user, which keeps the rule quiet about them for an hour.
    The mail goes first, so that a mail server that is down leaves the alert to the next run.
    """
    alerts = users_over_thresholds(now=now or timezone.now())
    if not alerts:
        return []
    recipients = list(
        get_user_model()
        .objects.filter(role=Role.ADMIN, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if recipients:
        connection = get_connection()
        with translation.override(settings.LANGUAGE_CODE):
            connection.send_messages([_message(a, recipients, connection) for a in alerts])
    user_model = get_user_model()
    audit.record_many(
        AuditAction.ALERT,
        about=[
            (
                user_model(pk=a.user_id),
                {
                    "reveals": a.reveals,
                    "exports": a.exports,
                    "foreign": a.foreign,
                    "mailed_to": len(recipients),
                },
            )
            for a in alerts
        ],
    )
    return alerts
