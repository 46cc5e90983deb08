"""The account lockout (django-axes, AXES_* in settings) in the audit log. Axes tells of a
lockout only by its signal: when an account is locked, and at each attempt while it is."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from . import audit
from .models import AuditAction


@receiver(user_locked_out, dispatch_uid="siv.lockout.record_lockout")
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    # The failed attempts counted within the lockout period, the one that locked included.
    failures = getattr(request, "axes_failures_since_start", None)
    audit.record(
        AuditAction.LOCKOUT,
        username=(username or "")[:150],
        details={"failures": failures} if failures is not None else {},
    )
