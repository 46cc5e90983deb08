"""Social-economy companies, the accelerator programme and its camps."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, Organisation
from siv.access import ScopedQuerySet
from siv.roles import Role

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(value: str) -> bool:
    """8 digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if not isinstance(value, str) or len(value) != 8 or not value.isascii() or not value.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not cvr_is_valid(value):
        raise ValidationError(
            _("%(value)s er ikke et gyldigt CVR-nummer (8 cifre med korrekt kontrolciffer)."),
            params={"value": value},
            code="invalid_cvr",
        )


class CompanyRole(models.TextChoices):
    ACCELERATOR = "accelerator", _("Acceleratorvirksomhed")
    SUPPORT = "support", _("Støttevirksomhed")


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    DROPPED_OUT = "dropped_out", _("Frafaldet")


class CompanyQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        role = user.role
        if role in (Role.ADMIN, Role.CONTROLLER):
            return self.all()
        if role == Role.BUSINESS_DEVELOPER:
            return self.filter(business_developer=user)
        if write:
            return self.none()
        if role in (Role.CASEWORKER, Role.MUNICIPAL_LEAD):
            return self.filter(municipality_id=user.municipality_id)
        if role == Role.EMPLOYMENT_ACTOR:
            # Companies in the partnerships the actor takes part in.
            return self.filter(organisation__partnerships__partners=user.organisation_id).distinct()
        if role == Role.COMPANY_CONTACT:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def enrolled(self) -> CompanyQuerySet:
        """Companies in an accelerator programme (indicator C01)."""
        return self.filter(role=CompanyRole.ACCELERATOR, enrolled_cluster__isnull=False)


class Company(models.Model):
    cvr = models.CharField(_("CVR-nummer"), max_length=8, unique=True, validators=[validate_cvr])
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="companies"
    )
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="company",
        help_text=_(
            "Virksomhedens organisation i SIV (for virksomhedskontakter og partnerskaber)."
        ),
    )
    role = models.CharField(
        _("rolle"), max_length=20, choices=CompanyRole.choices, default=CompanyRole.ACCELERATOR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE
    )
    dropped_out_on = models.DateField(_("frafaldsdato"), null=True, blank=True)
    dropout_reason = models.CharField(_("årsag til frafald"), max_length=300, blank=True)
    enrolled_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("acceleratorprogram (klynge)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
    )
    entry_year = models.PositiveSmallIntegerField(_("indgangsår"), null=True, blank=True)
    business_developer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forretningsudvikler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
        limit_choices_to={"role": Role.BUSINESS_DEVELOPER},
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("virksomhed")
        verbose_name_plural = _("virksomheder")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active") | models.Q(dropped_out_on__isnull=False),
                name="dropout_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CompanyFinancialQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        return self.filter(company__in=Company.objects.for_user(user, write=write))


class CompanyFinancial(models.Model):
    """A company's figures for one year. Growth (C02): EBITDA two years after entry > entry."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="financials")
    year = models.PositiveSmallIntegerField(_("år"))
    revenue = models.DecimalField(
        _("omsætning"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    ebitda = models.DecimalField(
        _("EBITDA"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    full_time_employees = models.DecimalField(
        _("årsværk"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    objects = CompanyFinancialQuerySet.as_manager()

    class Meta:
        verbose_name = _("regnskabstal")
        verbose_name_plural = _("regnskabstal")
        ordering = ["company", "year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="uniq_company_year")
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class CampTheme(models.TextChoices):
    PARTNERSHIPS = "partnerships", _("Vækstpartnerskaber, sociale modeller og impact management")
    BRAND = "brand", _("Brand, salg og markedsføring")
    ECONOMY = "economy", _("Driftsøkonomi, organisation og ledelse")
    COLLEGIALITY = "collegiality", _("Socialt kollegaskab og buddy-træning")
    BOOT_CAMP = "boot_camp", _("Boot camp")
    OTHER = "other", _("Andet")


class CampQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if user.role in (Role.ADMIN, Role.CONTROLLER, Role.BUSINESS_DEVELOPER):
            return self.all()
        if write:
            return self.none()
        if user.role in (Role.MUNICIPAL_LEAD, Role.CASEWORKER):
            return self.filter(cluster__memberships__municipality=user.municipality_id).distinct()
        return self.none()

    def held(self, *, until=None) -> CampQuerySet:
        """Camps that have taken place (indicator C04)."""
        from django.utils import timezone

        return self.filter(date__lte=until or timezone.localdate(), cancelled=False)


class Camp(models.Model):
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="camps"
    )
    theme = models.CharField(_("tema"), max_length=20, choices=CampTheme.choices)
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    experts = models.TextField(_("eksterne eksperter"), blank=True)
    cancelled = models.BooleanField(_("aflyst"), default=False)

    objects = CampQuerySet.as_manager()

    class Meta:
        verbose_name = _("camp")
        verbose_name_plural = _("camps")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"
