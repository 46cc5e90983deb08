"""Documents attached to a record: a citizen's signed declarations, consent and exit papers,
a company's agreements, a partnership's declaration and terms of reference, a contract, an
expense's invoice or hours statement.

A document belongs to exactly one record, through one of five nullable foreign keys (a check
constraint holds that exactly one is set). Foreign keys rather than a generic relation, so
that a document's scope is its record's own scoped queryset as a subquery
(`citizen__in=Citizen.objects.for_user(user)`), and a record with documents cannot be
deleted from under them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siv.access import ScopedQuerySet
from siv.permissions import has_perm

OWNER_FIELDS = ("citizen", "company", "partnership", "contract", "expense")


class DocumentKind(models.TextChoices):
    # A citizen's
    DECLARATION = "declaration", _("Underskrevet erklæring")
    CONSENT = "consent", _("Samtykke")
    EXIT = "exit", _("Ophørsdokument")
    # A company's
    AGREEMENT = "agreement", _("Aftale")
    ACCOUNTS = "accounts", _("Regnskab")
    # A partnership's
    PARTNERSHIP_DECLARATION = "partnership_declaration", _("Partnerskabserklæring")
    TERMS_OF_REFERENCE = "terms_of_reference", _("Kommissorium")
    MINUTES = "minutes", _("Referat")
    # A contract's
    SIGNED_CONTRACT = "signed_contract", _("Underskrevet kontrakt")
    # An expense's
    INVOICE = "invoice", _("Faktura")
    HOURS_STATEMENT = "hours_statement", _("Timeopgørelse")
    # Any record's
    APPENDIX = "appendix", _("Bilag")
    OTHER = "other", _("Andet")


def document_storage():
    """The documents' own storage (settings.STORAGES["documents"]): a folder of its own, or
    an S3-compatible bucket."""
    return storages["documents"]


def document_path(document: Document, filename: str) -> str:
    """A random name: neither the uploaded file's name nor anything about the record, which
    could carry a name or a CPR number. The extension is the one the content was found to
    be."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{document.extension}"


def _exactly_one_owner() -> Q:
    one = Q()
    for owner in OWNER_FIELDS:
        only_this = Q(**{f"{owner}__isnull": False}) & Q(
            *(Q(**{f"{other}__isnull": True}) for other in OWNER_FIELDS if other != owner)
        )
        one |= only_this
    return one


class DocumentQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        from .owners import OWNERS

        visible = Q(pk__in=[])
        for owner in OWNERS.values():
            permission = owner.write_permission if write else owner.view_permission
            if has_perm(user, permission):
                records = owner.model.objects.for_user(user, write=write)
                visible |= Q(**{f"{owner.key}__in": records.values("pk")})
        return self.filter(visible)


class Document(models.Model):
    citizen = models.ForeignKey(
        "participants.Citizen",
        verbose_name=_("deltager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    company = models.ForeignKey(
        "accelerator.Company",
        verbose_name=_("virksomhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    partnership = models.ForeignKey(
        "partnerships.GrowthPartnership",
        verbose_name=_("vækstpartnerskab"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    contract = models.ForeignKey(
        "pbr.Contract",
        verbose_name=_("kontrakt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    expense = models.ForeignKey(
        "economy.Expense",
        verbose_name=_("udgift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("dokumenttype"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(
        _("fil"), upload_to=document_path, storage=document_storage, max_length=200
    )
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    content_type = models.CharField(_("filtype"), max_length=100)
    extension = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploadet af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploadet"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_owner(), name="document_one_owner")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_key(self) -> str:
        return next(key for key in OWNER_FIELDS if getattr(self, f"{key}_id") is not None)

    @property
    def owner(self) -> models.Model:
        return getattr(self, self.owner_key)
