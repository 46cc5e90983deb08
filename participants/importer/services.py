"""The legacy import: the partners' spreadsheets (four CSV files) into SIV.

Everything is validated first; then all of it is imported in one transaction, or nothing.
Every rejected row is reported with file, line, column, value (CPR numbers masked) and
reason. Importing the same files twice changes nothing. The command `import_legacy` and a
later upload screen both call `run_import()`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import (
    Company,
    CompanyFinancial,
    CompanyRole,
    CompanyStatus,
    cvr_is_valid,
)
from participants import cpr as cpr_lib
from participants.common import parse_iso_week
from participants.hours.models import MAX_HOURS_PER_WEEK, HoursKind
from participants.hours.services import (
    hours_week_errors,
    hours_write,
    lock_citizens_for_hours,
    parse_hours,
)
from participants.placements.models import PAID_PLACEMENT_KINDS, Placement, PlacementKind
from participants.track.models import (
    FOLLOW_UP_OFFSETS,
    Benefit,
    Citizen,
    ExitForm,
    ExitStatus,
    FollowUp,
    FollowUpKind,
    Gender,
    NotAvailableReason,
    TargetGroup,
    Visitation,
    VisitationStatus,
)
from partnerships.models import (
    Cluster,
    ClusterMembership,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
)
from siv import audit
from siv.models import AuditAction

FILES: dict[str, tuple[str, ...]] = {
    "companies.csv": (
        "cvr",
        "name",
        "municipality",
        "cluster",
        "role",
        "status",
        "entry_year",
        "ebitda_entry_year",
        "ebitda_year_2",
    ),
    "participants.csv": (
        "cpr",
        "first_name",
        "last_name",
        "gender",
        "municipality",
        "cluster",
        "employment_actor",
        "target_group",
        "benefit",
        "visitation_date",
        "phase1_start",
        "phase2_start",
        "exit_date",
        "exit_status",
        "followup_2y_status",
    ),
    "hours.csv": ("cpr", "week", "kind", "hours"),
    "placements.csv": ("cpr", "company_cvr", "kind", "start", "end", "hours_per_week"),
}
# The legacy files write 'deceased' as an exit status; SIV records it as a reason.
LEGACY_STATUSES = (*ExitStatus.values, NotAvailableReason.DECEASED)


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("%(file)s, linje %(line)s, kolonne %(column)s, værdi '%(value)s': %(reason)s") % {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    changes: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _Row:
    """One CSV row being validated: typed values, errors collected with their column."""

    def __init__(self, file: str, line: int, raw: Mapping[str, str], errors: list[RowError]):
        self.file, self.line, self.raw, self._errors = file, line, raw, errors
        self.ok = True

    def text(self, column: str) -> str:
        return (self.raw.get(column) or "").strip()

    def error(self, column: str, reason: str) -> None:
        value = self.text(column)
        if column == "cpr":
            value = cpr_lib.mask(value)
        self._errors.append(RowError(self.file, self.line, column, value[:60], reason))
        self.ok = False

    def get(self, column: str, convert: Callable[[str], Any], *, required: bool = True) -> Any:
        value = self.text(column)
        if "\x00" in value:
            self.error(column, _("Feltet indeholder et ugyldigt tegn (NUL)."))
            return None
        if not value:
            if required:
                self.error(column, _("Feltet skal udfyldes."))
            return None
        try:
            return convert(value)
        except ValidationError as exc:
            self.error(column, " ".join(str(m) for m in exc.messages))
        except (ValueError, InvalidOperation) as exc:
            self.error(column, str(exc) or _("Ugyldig værdi."))
        return None


# --- Converters: raise ValueError with a Danish reason -------------------------------------


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date() -> date:
    raise ValueError(_("Datoen skal skrives ÅÅÅÅ-MM-DD og være en gyldig dato."))


def _choice(choices: Any) -> Callable[[str], str]:
    def convert(value: str) -> str:
        if value not in choices:
            raise ValueError(
                _("Ukendt kode. Gyldige koder: %(codes)s.") % {"codes": ", ".join(choices)}
            )
        return value

    return convert


def _int(low: int, high: int) -> Callable[[str], int]:
    def convert(value: str) -> int:
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(
                _("Skal være et helt tal mellem %(low)s og %(high)s.") % {"low": low, "high": high}
            )
        return int(value)

    return convert


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("Skal være et tal med punktum som decimaltegn.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e13"):
        raise ValueError(_("Skal være et tal med punktum som decimaltegn."))
    return number.quantize(Decimal("0.01"))


def _text(max_length: int) -> Callable[[str], str]:
    def convert(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(_("Højst %(max)s tegn.") % {"max": max_length})
        return value

    return convert


def _cvr(value: str) -> str:
    if not cvr_is_valid(value):
        raise ValueError(_("Ikke et gyldigt CVR-nummer (8 cifre med korrekt kontrolciffer)."))
    return value


def _hours(value: str) -> Decimal:
    hours = parse_hours(value)
    if hours is None:
        raise ValueError(_("Feltet skal udfyldes."))
    return hours


# --- Reading and validating ----------------------------------------------------------------


def read_directory(directory: Path) -> dict[str, bytes]:
    """The content of each legacy file present in the directory."""
    return {name: (directory / name).read_bytes() for name in FILES if (directory / name).is_file()}


def _rows(name: str, content: str | bytes | None, errors: list[RowError]) -> list[_Row]:
    if content is None:
        return []  # a file left out: nothing of that kind to import
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            errors.append(RowError(name, line, "", "", _("Filen skal være gemt som UTF-8.")))
            return []
    reader = csv.DictReader(io.StringIO(content))
    try:
        header = reader.fieldnames or []
        missing = [c for c in FILES[name] if c not in header]
        for column in missing:
            errors.append(RowError(name, 1, column, "", _("Kolonnen mangler i overskriften.")))
        if missing:
            return []
        return [_Row(name, reader.line_num, raw, errors) for raw in reader]
    except csv.Error:
        errors.append(RowError(name, reader.line_num, "", "", _("Linjen er ikke gyldig CSV.")))
        return []


@dataclass
class _Plan:
    companies: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    hours: list[dict] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)


def validate(files: Mapping[str, str | bytes]) -> tuple[_Plan, list[RowError], dict[str, int]]:
    errors: list[RowError] = []
    plan = _Plan()
    counts: dict[str, int] = {}
    if not files:
        errors.append(
            RowError(
                "",
                0,
                "",
                "",
                _("Ingen af filerne %(files)s blev fundet.") % {"files": ", ".join(FILES)},
            )
        )
        return plan, errors, counts
    municipalities = {m.name: m for m in Municipality.objects.all()}

    def muni(value: str) -> Municipality:
        if value not in municipalities:
            raise ValueError(_("Ukendt kommune (skriv navnet som i SIV, fx Køge)."))
        return municipalities[value]

    known_cvrs = set(Company.objects.values_list("cvr", flat=True))
    seen_cvrs: set[str] = set()
    for row in _rows("companies.csv", files.get("companies.csv"), errors):
        values = {
            "cvr": row.get("cvr", _cvr),
            "name": row.get("name", _text(200)),
            "municipality": row.get("municipality", muni),
            "cluster": row.get("cluster", _int(1, 99)),
            "role": row.get("role", _choice(CompanyRole.values)),
            "status": row.get("status", _choice(CompanyStatus.values)),
            "entry_year": row.get("entry_year", _int(2000, 2100)),
            "ebitda_entry_year": row.get("ebitda_entry_year", _decimal, required=False),
            "ebitda_year_2": row.get("ebitda_year_2", _decimal, required=False),
        }
        if values["cvr"] in seen_cvrs:
            row.error("cvr", _("CVR-nummeret står flere gange i filen."))
        seen_cvrs.add(values["cvr"])
        if row.ok:
            plan.companies.append(values)
    counts["companies.csv"] = len(plan.companies)

    participants: dict[str, dict] = {}
    rejected: set[str] = set()
    known_hashes = dict(Citizen.objects.values_list("cpr_hash", "phase1_start"))
    for row in _rows("participants.csv", files.get("participants.csv"), errors):
        parsed = row.get("cpr", cpr_lib.parse)
        values = {
            "cpr": parsed,
            "first_name": row.get("first_name", _text(100)),
            "last_name": row.get("last_name", _text(100)),
            "gender": row.get("gender", _choice(Gender.values)),
            "municipality": row.get("municipality", muni),
            "cluster": row.get("cluster", _int(1, 99)),
            "employment_actor": row.get("employment_actor", _text(200), required=False),
            "target_group": row.get("target_group", _choice(TargetGroup.values)),
            "benefit": row.get("benefit", _choice(Benefit.values)),
            "visitation_date": row.get("visitation_date", _date),
            "phase1_start": row.get("phase1_start", _date, required=False),
            "phase2_start": row.get("phase2_start", _date, required=False),
            "exit_date": row.get("exit_date", _date, required=False),
            "exit_status": row.get("exit_status", _choice(LEGACY_STATUSES), required=False),
            "followup_2y_status": row.get(
                "followup_2y_status", _choice(LEGACY_STATUSES), required=False
            ),
        }
        _check_participant_dates(row, values)
        if parsed is not None and parsed.digits in participants:
            row.error("cpr", _("CPR-nummeret står flere gange i filen."))
        if row.ok:
            participants[parsed.digits] = values
            plan.participants.append(values)
        elif parsed is not None:
            rejected.add(parsed.digits)
    counts["participants.csv"] = len(plan.participants)

    def citizen_dates(row: _Row) -> dict | None:
        parsed = row.get("cpr", cpr_lib.parse)
        if parsed is None:
            return None
        if parsed.digits in participants:
            return participants[parsed.digits]
        if parsed.digits in rejected:
            row.error("cpr", _("Deltageren er afvist i participants.csv."))
            return None
        keyed = next((h for h in cpr_lib.keyed_hashes(parsed.digits) if h in known_hashes), None)
        if keyed is not None:
            return {"cpr": parsed, "phase1_start": known_hashes[keyed], "exit_date": None}
        row.error("cpr", _("Deltageren findes hverken i participants.csv eller i SIV."))
        return None

    week_totals: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    seen_hours: set[tuple[str, date, str]] = set()
    for row in _rows("hours.csv", files.get("hours.csv"), errors):
        person = citizen_dates(row)
        week = row.get("week", parse_iso_week)
        kind = row.get("kind", _choice(HoursKind.values))
        hours = row.get("hours", _hours)
        if person is not None and week is not None:
            for reason in hours_week_errors(
                week=week, phase1_start=person["phase1_start"], last_exit=person["exit_date"]
            ):
                row.error("week", reason)
        if row.ok:
            digits = person["cpr"].digits
            if (digits, week, kind) in seen_hours:
                row.error("kind", _("Samme deltager, uge og timetype står flere gange."))
                continue
            seen_hours.add((digits, week, kind))
            week_totals[(digits, week)] += hours
            if week_totals[(digits, week)] > MAX_HOURS_PER_WEEK:
                row.error(
                    "hours",
                    _("Højst %(max)s timer i alt pr. uge for en deltager.")
                    % {"max": MAX_HOURS_PER_WEEK},
                )
                continue
            plan.hours.append({"cpr": person["cpr"], "week": week, "kind": kind, "hours": hours})
    counts["hours.csv"] = len(plan.hours)

    for row in _rows("placements.csv", files.get("placements.csv"), errors):
        person = citizen_dates(row)
        cvr = row.get("company_cvr", _cvr)
        if cvr and cvr not in seen_cvrs and cvr not in known_cvrs:
            row.error("company_cvr", _("Virksomheden findes hverken i companies.csv eller i SIV."))
        values = {
            "cpr": person["cpr"] if person else None,
            "cvr": cvr,
            "kind": row.get("kind", _choice(PlacementKind.values)),
            "start": row.get("start", _date),
            "end": row.get("end", _date, required=False),
            "hours_per_week": row.get("hours_per_week", _hours),
        }
        if values["start"] and values["end"] and values["end"] < values["start"]:
            row.error("end", _("Slutdatoen ligger før startdatoen."))
        if person is not None and row.ok:
            _check_placement_in_track(row, values, person)
        if row.ok:
            plan.placements.append(values)
    counts["placements.csv"] = len(plan.placements)
    return plan, errors, counts


def _check_placement_in_track(row: _Row, v: dict, person: dict) -> None:
    """The track's rule (rules.Track.span_errors): a placement lies in the track, from phase
    1's start; a practice placement ends no later than the exit, a paid one may run on."""
    started, left = person["phase1_start"], person["exit_date"]
    if started is None or v["start"] < started:
        row.error("start", _("Placeringen starter før forløbets start (fase 1)."))
    if left is not None and v["kind"] not in PAID_PLACEMENT_KINDS:
        if v["start"] > left:
            row.error("start", _("Praktikken starter efter ophøret."))
        elif v["end"] is None or v["end"] > left:
            row.error("end", _("Praktikken skal slutte senest på ophørsdagen."))


def _check_participant_dates(row: _Row, v: dict) -> None:
    visited, p1, p2, left = (
        v["visitation_date"],
        v["phase1_start"],
        v["phase2_start"],
        v["exit_date"],
    )
    if p1 and visited and p1 < visited:
        row.error("phase1_start", _("Fase 1 kan ikke starte før visitationen."))
    if p2 and not p1:
        row.error("phase2_start", _("Fase 2 kræver en start på fase 1."))
    if p2 and p1 and p2 < p1:
        row.error("phase2_start", _("Fase 2 kan ikke starte før fase 1."))
    if left and visited and left < (p1 or visited):
        row.error("exit_date", _("Ophørsdatoen ligger før forløbets start."))
    if left and not row.text("exit_status"):
        row.error("exit_status", _("Et ophør kræver en status."))
    if row.text("exit_status") and not row.text("exit_date"):
        row.error("exit_date", _("En status ved ophør kræver en ophørsdato."))
    if row.text("followup_2y_status") and not row.text("exit_date"):
        row.error("followup_2y_status", _("En opfølgning kræver et ophør."))
    today = timezone.localdate()
    for column in ("visitation_date", "phase1_start", "phase2_start", "exit_date"):
        if v[column] and v[column] > today:
            row.error(column, _("Datoen ligger efter i dag."))
    if (
        left
        and row.text("followup_2y_status")
        and left + FOLLOW_UP_OFFSETS[FollowUpKind.TWO_YEARS] > today
    ):
        row.error("followup_2y_status", _("Opfølgningen 2 år efter ophøret ligger efter i dag."))


# --- Importing ----------------------------------------------------------------------------


def _status(code: str) -> tuple[str, str]:
    if code == NotAvailableReason.DECEASED:
        return ExitStatus.NOT_AVAILABLE, NotAvailableReason.DECEASED
    if code == ExitStatus.NOT_AVAILABLE:
        return code, NotAvailableReason.UNKNOWN
    return code, ""


class _Counter:
    def __init__(self) -> None:
        self.changes = 0

    def upsert(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.changes += 1
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.full_clean()
            obj.save()
            self.changes += 1
        return obj


def _apply(plan: _Plan) -> int:
    counter = _Counter()
    clusters: dict[int, Cluster] = {}

    def cluster(number: int) -> Cluster:
        if number not in clusters:
            clusters[number], created = Cluster.objects.get_or_create(
                number=number, defaults={"start_year": 2018 + number}
            )
            counter.changes += created
        return clusters[number]

    def membership(number: int, municipality: Municipality) -> None:
        _obj, created = ClusterMembership.objects.get_or_create(
            cluster=cluster(number), municipality=municipality
        )
        counter.changes += created

    companies: dict[str, Company] = {}
    for c in plan.companies:
        membership(c["cluster"], c["municipality"])
        existing = Company.objects.filter(cvr=c["cvr"]).first()
        dropped = c["status"] == CompanyStatus.DROPPED_OUT
        values = {
            "name": c["name"],
            "municipality": c["municipality"],
            "role": c["role"],
            "status": c["status"],
            "entry_year": c["entry_year"],
            "enrolled_cluster": cluster(c["cluster"])
            if c["role"] == CompanyRole.ACCELERATOR
            else None,
            # The files carry no dropout date: the day it was first imported as dropped out.
            "dropped_out_on": (
                (
                    existing.dropped_out_on
                    if existing and existing.dropped_out_on
                    else timezone.localdate()
                )
                if dropped
                else None
            ),
        }
        company = counter.upsert(Company, {"cvr": c["cvr"]}, values)
        companies[c["cvr"]] = company
        for offset, column in ((0, "ebitda_entry_year"), (2, "ebitda_year_2")):
            if c[column] is not None:
                counter.upsert(
                    CompanyFinancial,
                    {"company": company, "year": c["entry_year"] + offset},
                    {"ebitda": c[column]},
                )

    actors: dict[str, Organisation] = {}
    partnerships = {
        (p.municipality_id, p.cluster_id): p for p in GrowthPartnership.objects.order_by("-pk")
    }
    citizens: dict[str, Citizen] = {}
    for p in plan.participants:
        digits = p["cpr"].digits
        membership(p["cluster"], p["municipality"])
        actor = None
        if p["employment_actor"]:
            name = p["employment_actor"]
            if name not in actors:
                actors[name], created = Organisation.objects.get_or_create(
                    kind=OrganisationKind.EMPLOYMENT_ACTOR,
                    name=name,
                    defaults={"municipality": p["municipality"]},
                )
                counter.changes += created
            actor = actors[name]
        the_cluster = cluster(p["cluster"])
        values = {
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "gender": p["gender"],
            "municipality": p["municipality"],
            "cluster": the_cluster,
            "partnership": partnerships.get((p["municipality"].pk, the_cluster.pk)),
            "employment_actor": actor,
            "target_group": p["target_group"],
            "benefit": p["benefit"],
            "phase1_start": p["phase1_start"],
            "phase2_start": p["phase2_start"],
        }
        citizen = Citizen.objects.filter(cpr_hash__in=cpr_lib.keyed_hashes(digits)).first()
        if citizen is None:
            citizen = Citizen(**values)
            citizen.set_cpr(digits)
            citizen.full_clean()
            citizen.save()
            counter.changes += 1
        else:
            citizen = counter.upsert(Citizen, {"pk": citizen.pk}, values)
        citizens[digits] = citizen
        reviewed = timezone.make_aware(datetime.combine(p["visitation_date"], time(12)))
        counter.upsert(
            Visitation,
            {"citizen": citizen, "proposed_on": p["visitation_date"]},
            {
                "status": VisitationStatus.ACCEPTED,
                "reviewed_at": reviewed,
                "partnership": values["partnership"],
            },
        )
        if p["exit_date"]:
            status, reason = _status(p["exit_status"])
            exit_form = counter.upsert(
                ExitForm,
                {"citizen": citizen, "exit_date": p["exit_date"]},
                {"status": status, "not_available_reason": reason},
            )
            if p["followup_2y_status"]:
                status, reason = _status(p["followup_2y_status"])
                counter.upsert(
                    FollowUp,
                    {"exit": exit_form, "kind": FollowUpKind.TWO_YEARS},
                    {
                        "followed_up_on": p["exit_date"]
                        + FOLLOW_UP_OFFSETS[FollowUpKind.TWO_YEARS],
                        "status": status,
                        "not_available_reason": reason,
                    },
                )

    def citizen_for(parsed: cpr_lib.Cpr) -> Citizen:
        if parsed.digits not in citizens:
            citizens[parsed.digits] = Citizen.objects.get(
                cpr_hash__in=cpr_lib.keyed_hashes(parsed.digits)
            )
        return citizens[parsed.digits]

    _apply_hours(plan.hours, citizen_for, counter)
    for pl in plan.placements:
        company = companies.get(pl["cvr"]) or Company.objects.get(cvr=pl["cvr"])
        counter.upsert(
            Placement,
            {
                "citizen": citizen_for(pl["cpr"]),
                "company": company,
                "kind": pl["kind"],
                "start": pl["start"],
            },
            {"end": pl["end"], "hours_per_week": pl["hours_per_week"]},
        )
    return counter.changes


def _apply_hours(rows: list[dict], citizen_for, counter: _Counter) -> None:
    """Hours in bulk (they are many): insert the new, update the changed, keep the rest, in
    one statement."""
    cells = {(citizen_for(h["cpr"]).pk, h["week"], h["kind"]): h["hours"] for h in rows}
    lock_citizens_for_hours(key[0] for key in cells)
    written = hours_write(
        by=None, cells=[(*key, hours) for key, hours in cells.items()], entries=False
    )
    counter.changes += len(written)


def run_import(files: Mapping[str, str | bytes], *, by: Any = None) -> ImportResult:
    """Validate every file, then import all of it in one transaction (or nothing)."""
    plan, errors, counts = validate(files)
    result = ImportResult(errors=errors, rows=counts)
    if errors:
        return result
    with transaction.atomic():
        result.changes = _apply(plan)
        if result.changes:
            audit.record(
                AuditAction.CREATE,
                actor=by,
                label="Import af eksisterende data",
                details={"rows": counts, "changes": result.changes},
            )
    return result
