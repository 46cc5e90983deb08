"""The project's economy for the progress statement: each regional sub-project's budget per
economic partner and cost category (with the revisions Erhvervsstyrelsen approves), its
support percentages, and the register of expenses (DOMAIN.md, "Project economy")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation
from siv.access import ScopedQuerySet
from siv.permissions import has_perm

MONEY = {"max_digits": 13, "decimal_places": 2}
ORE = Decimal("0.01")
# The project costs: a flat 18 % on the direct costs (every category below is direct).
PROJECT_COST_RATE = Decimal("0.18")
# Partners with a budget or spending of this much or more, project costs included, are named
# under heading 6 of the progress statement.
LARGE_PARTNER_LIMIT = Decimal("2500000.00")


def project_costs(direct: Decimal) -> Decimal:
    """The 18 % project costs on an amount of direct costs, to the øre (half up)."""
    return (direct * PROJECT_COST_RATE).quantize(ORE, ROUND_HALF_UP)


class CostCategory(models.TextChoices):
    """The budget headings of an ESF project's accounts with Erhvervsstyrelsen."""

    SALARY = "salary", _("Løn")
    CONSULTANCY = "consultancy", _("Ekstern konsulentbistand")
    AUDIT = "audit", _("Revision")
    INFORMATION = "information", _("Information og kommunikation")
    EQUIPMENT = "equipment", _("Udstyr")
    PARTICIPANTS = "participants", _("Deltagerudgifter")
    OTHER = "other", _("Øvrige omkostninger")


def economy_scope(queryset: models.QuerySet, user, *, write: bool, partner: str):
    """The controller sees and changes every row; the administrator reads them; a municipal
    lead reads the rows of their own organisation as economic partner; nobody else any."""
    if has_perm(user, "economy.write"):
        return queryset.all()
    if write:
        return queryset.none()
    if has_perm(user, "reports.programme"):
        return queryset.all()
    if has_perm(user, "economy.view") and user.organisation_id:
        return queryset.filter(**{partner: user.organisation_id})
    return queryset.none()


class BudgetRevisionQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        return economy_scope(self, user, write=write, partner="sub_project__partners")


class BudgetRevision(models.Model):
    """A whole budget of a sub-project as approved on a date (the original budget is the
    first). The budget in force at a date is the latest revision approved on or before it;
    a revision is never edited, a later one replaces it."""

    sub_project = models.ForeignKey(
        "reporting.SubProject",
        verbose_name=_("delprojekt"),
        on_delete=models.PROTECT,
        related_name="budget_revisions",
    )
    approved_on = models.DateField(_("godkendt den"))
    reason = models.TextField(_("begrundelse"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = BudgetRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("budgetrevision")
        verbose_name_plural = _("budgetrevisioner")
        ordering = ["sub_project", "-approved_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_project", "approved_on"], name="uniq_budget_revision_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sub_project} {self.approved_on:%d.%m.%Y}"


class BudgetLineQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        return economy_scope(self, user, write=write, partner="partner")


class BudgetLine(models.Model):
    """One revision's amount for one economic partner and cost category (direct costs,
    without the 18 % project costs)."""

    revision = models.ForeignKey(
        BudgetRevision, on_delete=models.CASCADE, related_name="lines", verbose_name=_("revision")
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("omkostningsart"), max_length=20, choices=CostCategory.choices)
    amount = models.DecimalField(_("beløb (kr.)"), **MONEY)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("budgetlinje")
        verbose_name_plural = _("budgetlinjer")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "partner", "category"], name="uniq_budget_line"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.get_category_display()}"


class SupportRateQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "economy.write"):
            return self.all()
        return self.all() if not write and has_perm(user, "economy.view") else self.none()


class SupportRate(models.Model):
    """The support percentage (støtteprocent) of a sub-project for a period; a raised
    percentage for some months is a period of its own."""

    sub_project = models.ForeignKey(
        "reporting.SubProject",
        verbose_name=_("delprojekt"),
        on_delete=models.PROTECT,
        related_name="support_rates",
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"))
    percent = models.DecimalField(_("støtteprocent"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("begrundelse"), max_length=300, blank=True)

    objects = SupportRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("støtteprocent")
        verbose_name_plural = _("støtteprocenter")
        ordering = ["sub_project", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="support_rate_ordered"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="support_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent} % {self.valid_from:%d.%m.%Y}–{self.valid_to:%d.%m.%Y}"


class ExpenseState(models.TextChoices):
    REGISTERED = "registered", _("Registreret")
    APPROVED = "approved", _("Godkendt")
    REMOVED = "removed", _("Fjernet")


class ExpenseQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        return economy_scope(self, user, write=write, partner="partner")

    def counted(self) -> ExpenseQuerySet:
        """The expenses the accounts count: registered or approved, not removed."""
        return self.exclude(state=ExpenseState.REMOVED)


class Expense(models.Model):
    """An invoice of an economic partner under a cost category. Registered, then approved by
    the controller, or removed after a reservation (forbehold) from the accounts' review,
    with the reason; a removed expense stays in the register."""

    sub_project = models.ForeignKey(
        "reporting.SubProject",
        verbose_name=_("delprojekt"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("omkostningsart"), max_length=20, choices=CostCategory.choices)
    spent_on = models.DateField(_("dato"))
    amount = models.DecimalField(_("beløb (kr.)"), **MONEY)
    document = models.CharField(_("bilagsreference"), max_length=100)
    description = models.CharField(_("tekst"), max_length=300, blank=True)
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=ExpenseState.choices,
        default=ExpenseState.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkendt eller fjernet af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("godkendt eller fjernet den"), null=True, blank=True)
    reservation = models.CharField(_("forbehold"), max_length=200, blank=True)
    removal_reason = models.TextField(_("begrundelse for fjernelse"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        verbose_name = _("udgift")
        verbose_name_plural = _("udgifter")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state="removed") | ~Q(reservation="") & ~Q(removal_reason=""),
                name="expense_removed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="registered") | Q(decided_on__isnull=False),
                name="expense_decision_dated",
            ),
        ]
        indexes = [models.Index(fields=["sub_project", "state", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.document} ({self.partner})"

    @property
    def audit_label(self) -> str:
        return f"Udgift #{self.pk}"
