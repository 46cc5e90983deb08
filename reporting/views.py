from dataclasses import replace
from datetime import date
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnerships.models import Cluster, Municipality, Region
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error, save_edit
from siv.permissions import permission_required, require_perm
from siv.throttle import is_post, throttled

from . import charts, exports, panels, selectors, services
from .forms import (
    BreakdownForm,
    JobForm,
    ProjectSettingsForm,
    ReportForm,
    ScopeForm,
    SubProjectForm,
    TargetsForm,
)
from .models import HEADINGS, ReportArtifact, ReportKind, SubProject


def _scope(request, default_start: date | None = None) -> tuple[ScopeForm, selectors.ReportParams]:
    """The scope and period asked for. With `default_start`, a request that names no period
    (a first visit, a page link) counts from that day; a cleared "Fra" counts from the start."""
    require_perm(request.user, "reports.view")
    data = request.GET or None
    if default_start and "start" not in request.GET and "end" not in request.GET:
        data = request.GET.copy()
        data["start"] = default_start.isoformat()
    form = ScopeForm(data, user=request.user)
    params = form.params() if form.is_bound else selectors.ReportParams()
    return form, selectors.params_for_user(request.user, params)


def indicators(request):
    form, params = _scope(request)
    breakdown = selectors.indicator_breakdown(params)
    return render(
        request,
        "reporting/indicators.html",
        {
            "form": form,
            "params": params,
            "breakdown": breakdown,
            "funnel_chart": charts.funnel_chart(breakdown["funnel"], _(charts.FUNNEL_TITLE)),
            "export_query": request.GET.urlencode(),
            "formats": ("xlsx", "csv", "pdf"),
            "kind": ReportKind.INDICATORS,
        },
    )


@permission_required("reports.programme")
def indicator_breakdown(request):
    """The indicators of every region, cluster or municipality (one level at a time) against
    each unit's targets, for the programme or one sub-project."""
    form = BreakdownForm(request.GET or None)
    params = form.params() if form.is_bound else selectors.ReportParams()
    params = replace(params, by=params.by or "region")
    levels = selectors.indicator_levels(params)
    return render(
        request,
        "reporting/indicator_breakdown.html",
        {
            "form": form,
            "params": params,
            "whole": levels.whole,
            "units": [
                (selectors.unit_label(params.by, unit), rows)
                for unit, rows in levels.by_level[params.by].items()
            ],
            "formats": ("xlsx", "csv", "pdf"),
            "kind": ReportKind.INDICATORS,
        },
    )


def start_figures(request):
    """The start page's key figures: the whole programme for a controller or an admin, their
    own municipality for a municipal lead (the panel asks for them once the page is shown)."""
    params = selectors.params_for_user(request.user, selectors.ReportParams())
    return render(request, "reporting/panels/_kpis.html", {"panel": panels.figures(params)})


def esf_indicators(request):
    form, params = _scope(request)
    rows = selectors.esf_rows(params)
    return render(
        request,
        "reporting/esf.html",
        {
            "form": form,
            "params": params,
            "rows": rows,
            "export_query": request.GET.urlencode(),
            "formats": ("xlsx", "csv"),
            "kind": ReportKind.ESF,
        },
    )


HOURS_PAGE_SIZE = 100


class _Counted:
    """One page's rows standing in for all of them, for Django's Paginator: its length is
    the number of groups the database counted, and the page's slice is the rows it sent."""

    def __init__(self, rows: list, count: int):
        self.rows, self.count = rows, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, _page_slice) -> list:
        return self.rows


_HOURS_ROW = (
    '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td>'
    '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>'
)


def _hours_rows(rows: list[dict]) -> SafeString:
    """A page of the statement's groups as the table's rows, formatted here in one pass: a
    template loop over the page's 800 cells takes longer than reading the groups."""
    separators = str.maketrans(
        {",": get_format("THOUSAND_SEPARATOR"), ".": get_format("DECIMAL_SEPARATOR")}
    )

    def number(value, decimals: int = 2) -> str:
        return f"{value:,.{decimals}f}".translate(separators)

    return format_html_join(
        "\n",
        _HOURS_ROW,
        (
            (
                f"{r['month']:%m.%Y}",
                r["municipality"],
                r["benefit"],
                r["kind"],
                number(r["citizens"], 0),
                number(r["hours"]),
                number(r["eligible"]),
                number(r["amount"]),
            )
            for r in rows
        ),
    )


def hours(request):
    # The current half-year (a reporting period) unless another period is chosen: a
    # statement of every month of the programme is one cleared date away.
    form, params = _scope(request, default_start=selectors.half_year_start(timezone.localdate()))
    try:
        number = int(request.GET.get("side") or 1)
    except ValueError:
        number = 1
    found = selectors.hours_statement_page(params, number, HOURS_PAGE_SIZE)
    statement = found.statement
    page = Paginator(_Counted(statement.rows, found.count), HOURS_PAGE_SIZE).get_page(found.number)
    pdf_fits = exports.hours_pdf_fits(found.count)
    return render(
        request,
        "reporting/hours.html",
        {
            "form": form,
            "params": params,
            "statement": statement,
            "page": page,
            "rows": _hours_rows(statement.rows),
            "chart": charts.bar_chart(
                _("Timer pr. måned"),
                [(m["month"].strftime("%m.%Y"), m["hours"]) for m in statement.by_month],
            ),
            "export_query": request.GET.urlencode(),
            # A statement longer than a PDF can hold is offered as a spreadsheet only.
            "formats": ("xlsx", "pdf") if pdf_fits else ("xlsx",),
            "pdf_too_long": not pdf_fits,
            "pdf_most": exports.HOURS_PDF_MAX_GROUPS,
            "kind": ReportKind.HOURS,
        },
    )


@permission_required("reports.write")
def targets(request):
    scope = {
        "region": Region.objects.filter(name=request.GET.get("region")).first(),
        "cluster": Cluster.objects.filter(number=request.GET.get("cluster") or None).first(),
        "municipality": Municipality.objects.filter(name=request.GET.get("municipality")).first(),
    }
    chosen = next(((k, v) for k, v in scope.items() if v is not None), None)
    scope = {k: (v if chosen and k == chosen[0] else None) for k, v in scope.items()}
    current = selectors.targets_for(**scope)
    form = TargetsForm(request.POST or None, initial_values=current)
    if request.method == "POST" and form.is_valid():
        changed = services.targets_save(by=request.user, values=form.values(), **scope)
        messages.success(request, _("%(n)s mål er gemt.") % {"n": changed})
        return redirect(request.get_full_path())
    return render(
        request,
        "reporting/targets.html",
        {
            "form": form,
            "scope_form": ScopeForm(request.GET or None),
            "scope_label": chosen[1] if chosen else _("Hele programmet"),
        },
    )


def _report_period(request, kind: str, identity) -> tuple[date, date]:
    """The period on screen: the one asked for; else a final report's project period (of
    the report's identity: the sub-project or the programme) and a progress statement's
    year to date."""
    today = timezone.localdate()
    if kind == ReportKind.FINAL and identity is not None:
        default = identity.project_start, identity.project_end
    else:
        default = date(today.year, 1, 1), today
    try:
        start = date.fromisoformat(request.GET.get("fra") or default[0].isoformat())
        end = date.fromisoformat(request.GET.get("til") or default[1].isoformat())
    except ValueError:
        return default
    return (start, end) if start <= end else default


def texts_query(start: date, end: date, sub_project_id: int | None) -> str:
    """The query string of a report's texts page for a period and sub-project."""
    query = f"fra={start:%Y-%m-%d}&til={end:%Y-%m-%d}"
    return f"{query}&delprojekt={sub_project_id}" if sub_project_id else query


def _orders_pdf(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == "pdf"


@permission_required("reports.write")
@throttled("report_order", when=_orders_pdf)
def report_texts(request, kind: str):
    """The report's one form: period, texts and "Dan PDF", for the programme or a
    sub-project (`delprojekt`), with the readiness check of the period."""
    if kind not in HEADINGS:
        raise Http404
    sub_project = None
    if request.GET.get("delprojekt"):
        sub_project = get_for_user_or_404(
            SubProject.objects.select_related("region"),
            request.user,
            pk=request.GET["delprojekt"],
        )
    identity = sub_project or selectors.project_settings()
    start, end = _report_period(request, kind, identity)
    sections = selectors.narrative_texts(kind=kind, start=start, end=end, sub_project=sub_project)
    form = ReportForm(
        request.POST or None,
        kind=kind,
        sections=sections,
        initial={"period_start": start, "period_end": end},
    )
    shown_texts = {s["number"]: s["text"] for s in sections}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start, end, shown_texts = data["period_start"], data["period_end"], form.texts()
        order = _orders_pdf(request)
        report = {
            "by": request.user,
            "kind": kind,
            "start": start,
            "end": end,
            "texts": shown_texts,
            "sub_project": sub_project,
        }
        try:
            if order:
                job = services.report_order(**report, acknowledge=data["acknowledge"])
            else:
                services.narrative_save(**report)
        except ValidationError as exc:
            add_validation_error(form, exc)
            if order and getattr(exc, "code", None) == "not_acknowledged":
                messages.success(request, _("Teksten er gemt."))
        else:
            messages.success(request, _("Teksten er gemt."))
            if order:
                return redirect("reporting:job_detail", job.pk)
            query = texts_query(start, end, sub_project.pk if sub_project else None)
            return redirect(f"{request.path}?{query}")
    readiness = selectors.readiness(
        user=request.user,
        kind=kind,
        start=start,
        end=end,
        sub_project=sub_project,
        texts=shown_texts,
    )
    return render(
        request,
        "reporting/report_texts.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ReportKind(kind).label,
            "carried_over": any(s["carried_over"] for s in sections),
            "start": start,
            "end": end,
            "sub_project": sub_project,
            "identity": identity,
            "sub_projects": selectors.sub_projects(),
            "periods": selectors.narrative_periods(kind=kind, sub_project=sub_project),
            "readiness": readiness,
        },
    )


@permission_required("reports.write")
def sub_project_list(request):
    return render(
        request, "reporting/sub_project_list.html", {"sub_projects": selectors.sub_projects()}
    )


@permission_required("reports.write")
def sub_project_edit(request, pk: int):
    sub_project = get_for_user_or_404(SubProject, request.user, write=True, pk=pk)
    form = SubProjectForm(request.POST or None, instance=sub_project)
    save = partial(services.sub_project_save, by=request.user, sub_project=sub_project)
    saved = request.method == "POST" and form.is_valid() and save_edit(form, save)
    if saved:
        messages.success(request, _("Delprojektet er gemt."))
        return redirect("reporting:sub_project_list")
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": _("Ret %(name)s") % {"name": sub_project.name},
            "intro": _("Delprojektet omfatter %(region)s.") % {"region": sub_project.region.name},
            "back": reverse("reporting:sub_project_list"),
        },
    )


@permission_required("reports.write")
def project_settings(request):
    form = ProjectSettingsForm(request.POST or None, instance=selectors.project_settings())
    if request.method == "POST" and form.is_valid():
        services.project_settings_save(by=request.user, **form.cleaned_data)
        messages.success(request, _("Projektoplysningerne er gemt."))
        return redirect("reporting:project_settings")
    return render(request, "reporting/project_settings.html", {"form": form})


@permission_required("reports.view")
@throttled("report_order", when=is_post)
def job_create(request):
    if request.method == "POST":
        form = JobForm(request.POST, user=request.user)
    else:
        form = JobForm(initial=request.GET.dict(), user=request.user)
    if request.method == "POST" and form.is_valid():
        params = selectors.params_for_user(request.user, form.params())
        try:
            job = services.job_create(
                by=request.user,
                kind=form.cleaned_data["kind"],
                fmt=form.cleaned_data["format"],
                params=params,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            job.refresh_from_db(fields=["sent_at"])
            if job.sent_at is None:
                messages.warning(
                    request,
                    _(
                        "Jobkøen svarer ikke lige nu. Bestillingen er gemt, og rapporten "
                        "dannes, så snart køen er tilbage."
                    ),
                )
            return redirect("reporting:job_detail", job.pk)
    return render(request, "reporting/job_create.html", {"form": form})


@permission_required("reports.view")
def job_list(request):
    page = Paginator(selectors.jobs_for(request.user), 25).get_page(request.GET.get("side"))
    return render(request, "reporting/job_list.html", {"page": page})


def _job_context(job) -> dict:
    return {"job": job, "retention_days": settings.SIV_REPORT_RETENTION_DAYS}


def job_detail(request, pk: int):
    job = get_for_user_or_404(selectors.jobs_for(request.user), request.user, pk=pk)
    return render(
        request, "reporting/job_detail.html", {**_job_context(job), "texts_url": _texts_url(job)}
    )


def _texts_url(job) -> str:
    """Back to the texts a progress statement or final report was made from."""
    if job.kind not in HEADINGS or not job.params.get("start") or not job.params.get("end"):
        return ""
    params = selectors.ReportParams.from_json(job.params)
    query = texts_query(params.start, params.end, params.sub_project)
    return f"{reverse(f'reporting:report_texts_{job.kind}')}?{query}"


def job_progress(request, pk: int):
    job = get_for_user_or_404(selectors.jobs_for(request.user), request.user, pk=pk)
    return render(request, "reporting/partials/job_progress.html", _job_context(job))


@throttled("export")
def artifact_download(request, pk: int):
    artifact = get_for_user_or_404(
        ReportArtifact.objects.select_related("job"), request.user, pk=pk
    )
    services.artifact_downloaded(artifact=artifact, by=request.user)
    return FileResponse(
        artifact.file.open("rb"),
        as_attachment=True,
        filename=artifact.filename,
        content_type=artifact.content_type,
    )
