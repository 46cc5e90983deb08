"""The ESF common indicators for participants, by gender, computed in the database.

One participant per citizen: entry data (the start form: labour-market status, education,
background) are the citizen's own fields, kept from the first entry; age is taken at the
first accepted visitation. Result indicators come from the LAST exit form dated up to the
period end ("upon leaving": the exit status, the event within 4 weeks after exit, the last
event winning) and from the 6-month follow-up of that exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import (
    EMPLOYED_STATUSES,
    Citizen,
    CompetenceCourse,
    EntryStatus,
    ExitStatus,
    FollowUp,
    FollowUpKind,
    Gender,
    IscedBand,
    Visitation,
    VisitationStatus,
)

from .indicators import Scope

UPON_LEAVING = timedelta(weeks=4)
UNEMPLOYED = (EntryStatus.UNEMPLOYED, EntryStatus.LONG_TERM_UNEMPLOYED)
INACTIVE = (EntryStatus.INACTIVE, EntryStatus.INACTIVE_NOT_IN_EDUCATION)
DISADVANTAGED = Q(migrant=True) | Q(disability=True) | Q(other_disadvantaged=True)
LEFT = Q(exit_date__isnull=False)
EMPLOYED_AT_EXIT = LEFT & Q(exit_status__in=EMPLOYED_STATUSES)
NEWLY_JOB_SEEKING = LEFT & Q(entry_status__in=INACTIVE, exit_status=ExitStatus.UNEMPLOYED)
IN_EDUCATION = LEFT & Q(exit_status=ExitStatus.EDUCATION)
QUALIFIED = LEFT & Q(qualified=True)


class AgeAtLeast(Func):
    """A participant at least `years` old at entry: born on or before the day `years` years
    before the entry date (a 29 February birthday falls on 1 March in other years).

    PostgreSQL compares the dates (29 February less a year is 28 February, which orders the
    same); other databases compare them as yyyymmdd numbers. Either is one comparison per
    row, where date parts cost six extractions per row and condition.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, years: int):
        super().__init__(F("birth_date"), F("entry_date"))
        self.years = int(years)

    def as_sql(self, compiler, connection, **extra_context):
        (born, born_params), (entry, entry_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (
            f"CAST(strftime('%%Y%%m%%d', {born}) AS INTEGER) <= "
            f"CAST(strftime('%%Y%%m%%d', {entry}) AS INTEGER) - {self.years * 10000}",
            [*born_params, *entry_params],
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        (born, born_params), (entry, entry_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (
            f"{born} <= CAST({entry} - make_interval(years => {self.years}) AS date)",
            [*born_params, *entry_params],
        )


def _age_over(years: int) -> Q:
    """Age at entry >= years."""
    return Q(AgeAtLeast(years))


OVER_54 = _age_over(55)

# code, Danish label, condition. Output indicators first, then the result indicators.
OUTPUT_INDICATORS: tuple[tuple[str, str, Q], ...] = (
    ("O01", _("Ledige, inkl. langtidsledige"), Q(entry_status__in=UNEMPLOYED)),
    ("O02", _("Langtidsledige"), Q(entry_status=EntryStatus.LONG_TERM_UNEMPLOYED)),
    ("O03", _("Inaktive"), Q(entry_status__in=INACTIVE)),
    (
        "O04",
        _("Inaktive, ikke i uddannelse"),
        Q(entry_status=EntryStatus.INACTIVE_NOT_IN_EDUCATION),
    ),
    ("O05", _("I beskæftigelse, inkl. selvstændige"), Q(entry_status=EntryStatus.EMPLOYED)),
    ("O06", _("Under 25 år"), ~_age_over(25)),
    ("O07", _("Over 54 år"), OVER_54),
    (
        "O08",
        _("Over 54 år og ledige eller inaktive"),
        OVER_54 & Q(entry_status__in=(*UNEMPLOYED, *INACTIVE)),
    ),
    ("O09", _("ISCED 1–2"), Q(isced=IscedBand.ISCED_1_2)),
    ("O10", _("ISCED 3–4"), Q(isced=IscedBand.ISCED_3_4)),
    ("O11", _("ISCED 5–8"), Q(isced=IscedBand.ISCED_5_8)),
    ("O12", _("Migranter, udenlandsk baggrund, minoriteter"), Q(migrant=True)),
    ("O13", _("Handicappede"), Q(disability=True)),
    ("O14", _("Andre udsatte"), Q(other_disadvantaged=True)),
)
RESULT_INDICATORS: tuple[tuple[str, str, Q], ...] = (
    ("R01", _("Inaktive, der er begyndt at søge job, ved ophør"), NEWLY_JOB_SEEKING),
    ("R02", _("I uddannelse ved ophør"), IN_EDUCATION),
    ("R03", _("Har opnået kvalifikation ved ophør"), QUALIFIED),
    ("R04", _("I beskæftigelse, inkl. selvstændige, ved ophør"), EMPLOYED_AT_EXIT),
    (
        "R05",
        _(
            "Udsatte, der søger job, er i uddannelse, har opnået kvalifikation eller er i "
            "beskæftigelse ved ophør"
        ),
        DISADVANTAGED & (NEWLY_JOB_SEEKING | IN_EDUCATION | QUALIFIED | EMPLOYED_AT_EXIT),
    ),
    ("R06", _("I beskæftigelse 6 måneder efter ophør"), LEFT & Q(employed_6m=True)),
    (
        "R07",
        _("Med forbedret situation på arbejdsmarkedet 6 måneder efter ophør"),
        LEFT & Q(improved_6m=True),
    ),
    (
        "R08",
        _("Over 54 år i beskæftigelse 6 måneder efter ophør"),
        LEFT & OVER_54 & Q(employed_6m=True),
    ),
    (
        "R09",
        _("Udsatte i beskæftigelse 6 måneder efter ophør"),
        LEFT & DISADVANTAGED & Q(employed_6m=True),
    ),
)
GENDERS = (Gender.FEMALE, Gender.MALE, Gender.OTHER)


@dataclass(frozen=True)
class EsfRow:
    code: str
    label: str
    by_gender: dict[str, int]
    total: int


def participants(scope: Scope, start: date | None, end: date):
    """One row per citizen with an accepted visitation in the period, annotated for ESF.

    The first accepted visitation and the last exit up to the end are joined (at most one
    each per citizen), and the 6-month follow-ups are looked up by hash in one set each: the
    indicators' conditions read columns, not a subquery per citizen and condition.
    """
    visits = Visitation.objects.filter(
        citizen=OuterRef("pk"), status=VisitationStatus.ACCEPTED, proposed_on__lte=end
    )
    if start is not None:
        visits = visits.filter(proposed_on__gte=start)
    accepted = Q(visitations__status=VisitationStatus.ACCEPTED)
    earlier = Visitation.objects.filter(
        citizen=OuterRef("first_visit__citizen"), status=VisitationStatus.ACCEPTED
    ).filter(
        Q(proposed_on__lt=OuterRef("first_visit__proposed_on"))
        | Q(proposed_on=OuterRef("first_visit__proposed_on"), pk__lt=OuterRef("first_visit__pk"))
    )
    six_months = FollowUp.objects.filter(kind=FollowUpKind.SIX_MONTHS, followed_up_on__lte=end)
    return (
        Citizen.objects.filter(scope.citizens())
        .filter(Exists(visits))
        .annotate(
            first_visit=FilteredRelation("visitations", condition=accepted & ~Exists(earlier))
        )
        .with_exit_as_of(end, "last_exit", reentry_cancels=False)
        .annotate(
            entry_date=F("first_visit__proposed_on"),
            exit_id=F("last_exit__pk"),
            exit_date=F("last_exit__exit_date"),
            exit_status=F("last_exit__status"),
        )
        .annotate(
            qualified=Exists(
                CompetenceCourse.objects.filter(
                    citizen=OuterRef("pk"),
                    qualification_gained=True,
                    start__lte=OuterRef("exit_date"),
                ).filter(
                    Q(end__isnull=True)
                    | Q(
                        end__lte=ExpressionWrapper(
                            OuterRef("exit_date") + UPON_LEAVING, output_field=DateField()
                        )
                    )
                )
            ),
            employed_6m=Q(
                exit_id__in=six_months.filter(status__in=EMPLOYED_STATUSES).values("exit_id")
            ),
            improved_6m=Q(exit_id__in=six_months.filter(improved_situation=True).values("exit_id")),
        )
    )


def compute(
    *, scope: Scope | None = None, start: date | None = None, end: date | None = None
) -> list[EsfRow]:
    """Every ESF indicator by gender and in total, in one query."""
    scope = scope or Scope()
    end = end or timezone.localdate()
    indicators = (*OUTPUT_INDICATORS, *RESULT_INDICATORS)
    aggregates = {"all": Count("pk")}
    for code, _label, condition in indicators:
        aggregates[code] = Count("pk", filter=condition)
    by_gender = {
        row["gender"]: row
        for row in participants(scope, start, end).values("gender").annotate(**aggregates)
    }
    rows = [
        EsfRow(
            code="D00",
            label=str(_("Deltagere i alt")),
            by_gender={g.value: by_gender.get(g.value, {}).get("all", 0) for g in GENDERS},
            total=sum(row["all"] for row in by_gender.values()),
        )
    ]
    for code, label, _condition in indicators:
        counts = {g.value: by_gender.get(g.value, {}).get(code, 0) for g in GENDERS}
        rows.append(
            EsfRow(code=code, label=str(label), by_gender=counts, total=sum(counts.values()))
        )
    return rows
