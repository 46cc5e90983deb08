"""The track screens: the citizen list and page, visitation, re-visitation and the forms of
the track. Thin views over the selectors and services."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participants import names
from participants.hours import selectors as hours_selectors
from participants.hours.models import HoursKind
from participants.placements import selectors as placements_selectors
from siv import audit, private_search
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error, save_edit
from siv.permissions import has_perm, permission_required
from siv.throttle import is_post, throttled

from . import selectors, services
from .filters import CitizenFilter
from .forms import (
    AssessmentForm,
    CitizenEditForm,
    CourseForm,
    ExitRegisterForm,
    FollowUpForm,
    MatchMeetingForm,
    NoteForm,
    PauseEndForm,
    PauseForm,
    PhaseStartForm,
    ScreeningForm,
    TrackCorrectionForm,
    VisitationProposeForm,
    VisitationReviewForm,
)
from .models import Citizen, ExitForm, Pause, Visitation, VisitationStatus
from .rules import Action, Track, track_prefetch

PAGE_SIZE = 50
# The re-visitation overview shows this many municipality memberships (cards) a page.
REVISITATION_PAGE_SIZE = 20
# The purpose logged when a form shows a citizen's data.
FORM_PURPOSE = "formular"


def citizen_url(citizen: Citizen) -> str:
    return reverse("participants:citizen_detail", args=[citizen.pk])


# --- Citizen list and page -----------------------------------------------------------------


@permission_required("citizens.view")
def _new_search(request) -> bool:
    """A search typed into the box (posted, or an old bookmark's `q=`): what the search
    limit counts; paging a stored search does not."""
    sent = request.POST if request.method == "POST" else request.GET
    return private_search.has_free_text(sent, SEARCH_TEXT)


@throttled("search", when=_new_search)
def citizen_list(request):
    # The search box may hold a name or a CPR number: posted (or an old bookmark's `q=`),
    # it is kept server-side and the list is shown under a search id (siv/private_search).
    if request.method == "POST" or private_search.has_free_text(request.GET, SEARCH_TEXT):
        return _citizen_search_redirect(request)
    data = _citizen_list_data(request)
    visibility = selectors.visibility_for(request.user)
    citizen_filter = CitizenFilter(
        data or None,
        queryset=selectors.citizen_list(user=request.user),
        visibility=visibility,
        # The plain scope (not the list's annotated query) for the municipalities offered.
        citizens=Citizen.objects.for_user(request.user),
    )
    # Names are encrypted: the list is sorted by name after reading (participants/names.py);
    # who sees pseudonyms sees them in their order. Only the columns the rows show are read
    # (nor decrypted): the names only for who sees them.
    shown_fields = LIST_ROW_FIELDS + (("first_name", "last_name") if visibility.show_name else ())
    rows = (
        names.NameOrdered(citizen_filter.qs.only(*shown_fields))
        if visibility.show_name
        else citizen_filter.qs.only(*shown_fields).order_by("pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("side"))
    # One log row per page shown: the search with its criteria, or the list; either names
    # the citizens shown by name or CPR number.
    shown = [citizen.pk for citizen in page] if visibility.personal else []
    criteria = {k: v for k, v in data.items() if k != "side"}
    if criteria:
        audit.record_search(
            actor=request.user,
            model=Citizen,
            criteria=criteria,
            choices=audit.choice_criteria(citizen_filter),
            ids=shown,
        )
    else:
        audit.record_list_view(actor=request.user, model=Citizen, ids=shown)
    return render(
        request,
        "participants/citizen_list.html",
        {"filter": citizen_filter, "page": page, "visibility": visibility},
    )


# What the citizen list's rows show of a citizen (participants_tags.citizen_list_rows), beside
# the name and the list's annotations.
LIST_ROW_FIELDS = (
    "birth_date",
    "phase1_start",
    "municipality__name",
    "employment_actor__name",
    "cluster__number",
)


# The citizen list's free-text filters: never in a URL.
SEARCH_TEXT = ("q",)


def _citizen_search_redirect(request):
    """Keep the posted search text in the session; 303 to the list under its search id with
    the chosen (non-personal) filters in the URL, so paging and bookmarks work."""
    data = request.POST if request.method == "POST" else request.GET
    text = private_search.strip_free_text(data, SEARCH_TEXT)
    search_id = private_search.store(request, text) if text else None
    # Only the choices the form accepts go into the URL: anything else may be typed text.
    form = CitizenFilter(
        data,
        queryset=Citizen.objects.none(),
        visibility=selectors.visibility_for(request.user),
        citizens=Citizen.objects.for_user(request.user),
    ).form
    form.is_valid()
    allowed = [name for name in form.fields if name not in form.errors] + ["side"]
    query = private_search.redirect_query(
        data, free_text=SEARCH_TEXT, allowed=allowed, search_id=search_id
    )
    url = reverse("participants:citizen_list")
    response = HttpResponseRedirect(f"{url}?{query}" if query else url)
    response.status_code = 303  # See Other: the list is fetched with a GET
    return response


def _citizen_list_data(request):
    """The list's filter values: the URL's, with the free text of the search id `s`."""
    data = request.GET.copy()
    search_id = data.pop(private_search.PARAM, [""])[-1]
    if search_id:
        text = private_search.recall(request, search_id)
        if text is None:
            messages.warning(request, _("Søgningen er udløbet – søg igen."))
        else:
            data.update(text)
    return data


def citizen_detail(request, pk: int):
    citizen = selectors.citizen_page(user=request.user, pk=pk)
    services.citizen_record_viewed(citizen=citizen, by=request.user)
    months = hours_selectors.hours_by_month(citizen)
    placements = placements_selectors.placements_for_page(citizen)
    assessments = list(citizen.assessments.all())
    summary = selectors.track_summary(citizen)
    offered = selectors.offered_actions(summary["track"])
    context = {
        "citizen": citizen,
        "visibility": selectors.visibility_for(request.user),
        "offered": offered,
        "offered_track": offered - {Action.NOTE},
        "summary": summary,
        "events": selectors.timeline_for_page(
            citizen=citizen, user=request.user, months=months, placements=placements
        ),
        "months": months,
        "hour_kinds": HoursKind.choices,
        "chart": selectors.assessment_chart(assessments),
        "placements": placements,
        "can_write": Citizen.objects.for_user(request.user, write=True)
        .filter(pk=citizen.pk)
        .exists(),
    }
    return render(request, "participants/citizen_detail.html", context)


@permission_required("citizens.write")
def citizen_edit(request, pk: int):
    citizen = writable_citizen(request, pk)
    form = CitizenEditForm(
        request.POST or None, citizen=citizen, fields=selectors.citizen_edit_fields(request.user)
    )
    if request.method == "POST" and form.is_valid():
        if save_edit(form, partial(services.citizen_update, citizen=citizen, by=request.user)):
            messages.success(request, _("Deltagerens oplysninger er gemt."))
            return redirect(citizen_url(citizen))
    services.citizen_record_viewed(citizen=citizen, by=request.user, purpose=FORM_PURPOSE)
    return render(
        request,
        "participants/citizen_form.html",
        {"form": form, "citizen": citizen, "visibility": selectors.visibility_for(request.user)},
    )


@permission_required("citizens.cpr_reveal")
@throttled("cpr_reveal", when=is_post)
def citizen_cpr_reveal(request, pk: int):
    citizen = get_for_user_or_404(Citizen, request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        number = services.cpr_reveal(citizen=citizen, by=request.user, purpose="Vis CPR-nummer")
    except PermissionDenied as exc:
        raise Http404 from exc
    template = (
        "participants/partials/cpr_revealed.html"
        if request.headers.get("HX-Request")
        else "participants/cpr_revealed_page.html"
    )
    response = render(request, template, {"citizen": citizen, "cpr": number})
    response["Cache-Control"] = "no-store"
    return response


@permission_required("citizens.lookups_export")
@throttled("export")
def citizen_lookups_export(request, pk: int):
    citizen = get_for_user_or_404(Citizen, request.user, pk=pk)
    rows = services.lookups_export(citizen=citizen, by=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="opslagslog-{citizen.pseudonym}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow([_("Tidspunkt"), _("Handling"), _("Formål")])
    for entry in rows:
        writer.writerow(
            [
                timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M"),
                entry.get_action_display(),
                entry.purpose,
            ]
        )
    return response


# --- Visitation in dialogue ----------------------------------------------------------------


@permission_required("citizens.view")
def visitation_list(request):
    status = request.GET.get("status", VisitationStatus.PROPOSED)
    if status not in VisitationStatus.values:
        status = ""
    visitations = selectors.visitations_for(user=request.user, status=status)
    page = Paginator(visitations, PAGE_SIZE).get_page(request.GET.get("side"))
    visibility = selectors.visibility_for(request.user)
    if visibility.personal:
        audit.record_list_view(actor=request.user, model=Citizen, ids=[v.citizen_id for v in page])
    return render(
        request,
        "participants/visitation_list.html",
        {
            "page": page,
            "status": status,
            "statuses": VisitationStatus.choices,
            "visibility": visibility,
        },
    )


@permission_required("visitations.propose")
def visitation_propose(request):
    form = VisitationProposeForm(
        request.POST or None,
        user=request.user,
        initial={"proposed_on": timezone.localdate(), "replaces_exit": request.GET.get("ophoer")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visitation = services.visitation_propose_citizen(
                by=request.user,
                cpr=data["cpr"],
                citizen_fields=form.citizen_fields(),
                proposed_on=data["proposed_on"],
                partnership=data["partnership"],
                realistic_20_hours=data["realistic_20_hours"],
                replaces_exit=data["replaces_exit"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Visitationen er sendt til beskæftigelsesaktøren."))
            return redirect(citizen_url(visitation.citizen))
    return render(
        request,
        "participants/visitation_propose.html",
        {"form": form, "citizen_places": selectors.own_citizen_places(user=request.user)},
    )


def _visitation(request, pk: int) -> Visitation:
    return get_for_user_or_404(
        Visitation.objects.select_related("citizen__municipality", "citizen__employment_actor"),
        request.user,
        write=True,
        pk=pk,
    )


@permission_required("visitations.review")
def visitation_review(request, pk: int):
    visitation = _visitation(request, pk)
    form = VisitationReviewForm(
        request.POST or None, initial={"realistic_20_hours": visitation.realistic_20_hours}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == form.ACCEPT:
                services.visitation_accept(
                    visitation=visitation,
                    by=request.user,
                    realistic_20_hours=data["realistic_20_hours"],
                )
                messages.success(request, _("Visitationen er godkendt."))
            else:
                services.visitation_reject(
                    visitation=visitation, by=request.user, reason=data["rejection_reason"]
                )
                messages.success(request, _("Visitationen er afvist."))
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return redirect("participants:visitation_list")
    return render(
        request,
        "participants/visitation_review.html",
        {
            "form": form,
            "visitation": visitation,
            "visibility": citizen_form_shown(request, visitation.citizen),
        },
    )


@permission_required("visitations.match_meeting")
def visitation_match_meeting(request, pk: int):
    visitation = _visitation(request, pk)
    form = MatchMeetingForm(
        request.POST or None,
        initial={
            "meeting_date": visitation.match_meeting_date,
            "participants": visitation.match_meeting_participants,
            "notes": visitation.match_meeting_notes,
            "start_on": visitation.start_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visitation_match_meeting(
                visitation=visitation, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Matchmødet er gemt."))
            return redirect(citizen_url(visitation.citizen))
    return render(
        request,
        "participants/record_form.html",
        {
            "form": form,
            "citizen": visitation.citizen,
            "title": _("Matchmøde"),
            "visibility": citizen_form_shown(request, visitation.citizen),
        },
    )


@permission_required("revisitations.view")
def revisitation_overview(request):
    # Every municipality the user sees, each slot's most urgent exits; or one municipality
    # (?kommune=<id>) with all of them.
    one = request.GET.get("kommune")
    if one is not None and not one.isdigit():
        raise Http404
    memberships = selectors.revisitation_memberships(
        user=request.user, municipality_id=int(one) if one is not None else None
    )
    if one is not None and not memberships:  # not a municipality with slots the user sees
        raise Http404
    page = Paginator(memberships, REVISITATION_PAGE_SIZE).get_page(request.GET.get("side"))
    visibility = selectors.visibility_for(request.user)
    rows = selectors.revisitation_overview(
        user=request.user,
        memberships=list(page.object_list),
        # Counted over all the user's memberships, not only the page's.
        per_slot=selectors.exits_per_slot(memberships, selectors.REVISITATION_ROWS),
        visibility=visibility,
    )
    if visibility.personal:
        audit.record_list_view(
            actor=request.user,
            model=Citizen,
            ids=[e.citizen_id for row in rows for e in row.waiting_exits],
        )
    return render(
        request,
        "participants/revisitation_overview.html",
        {
            "rows": rows,
            "page": page,
            "one_municipality": one is not None,
            "visibility": visibility,
            "may_propose": has_perm(request.user, "visitations.propose"),
        },
    )


# --- Forms on a citizen's track ------------------------------------------------------------


def citizen_form_shown(request, citizen: Citizen) -> selectors.Visibility:
    """A form that names the citizen is a read of their data, logged as the citizen page is
    (not for the roles that see only the pseudonym). Returns the user's visibility."""
    visibility = selectors.visibility_for(request.user)
    if visibility.personal:
        services.citizen_record_viewed(citizen=citizen, by=request.user, purpose=FORM_PURPOSE)
    return visibility


def writable_citizen(request, pk: int) -> Citizen:
    return get_for_user_or_404(
        Citizen.objects.select_related("municipality", "employment_actor"),
        request.user,
        write=True,
        pk=pk,
    )


@dataclass(frozen=True)
class TrackForm:
    """A form that adds one record to a citizen's track through one service; `offered` is
    the button on the citizen page (selectors.offered_actions) that leads to it."""

    form_class: type
    save: Callable[..., object]  # save(citizen=, by=, **cleaned_data)
    title: str
    done: str
    offered: str


def refuse_if_not_offered(request, citizen: Citizen, offered: str):
    """A form the track's state does not offer now (an old link, a second tab): back to the
    citizen page with the reason, before anything is typed. None when it is offered."""
    track = Track.of(Citizen.objects.prefetch_related(*track_prefetch()).get(pk=citizen.pk))
    if offered in selectors.offered_actions(track):
        return None
    action = offered if offered != "phase" else Action.START_PHASE1
    messages.warning(request, track.refusal(action) or _("Handlingen er ikke mulig nu."))
    return redirect(citizen_url(citizen))


def _save_follow_up(*, citizen: Citizen, by, **data):
    last = citizen.last_exit()
    if last is None:
        raise ValidationError(_("Der er ikke registreret et ophør at følge op på."))
    return services.followup_register(exit=last, by=by, **data)


TRACK_FORMS = {
    "phase": TrackForm(
        PhaseStartForm,
        services.track_start_phase,
        gettext_lazy("Registrer start på en fase"),
        gettext_lazy("Fasens start er registreret."),
        "phase",
    ),
    "screening": TrackForm(
        ScreeningForm,
        services.screening_register,
        gettext_lazy("Screening ved start"),
        gettext_lazy("Screeningen er gemt."),
        Action.SCREENING,
    ),
    "assessment": TrackForm(
        AssessmentForm,
        services.assessment_register,
        gettext_lazy("Progressionsvurdering"),
        gettext_lazy("Vurderingen er gemt."),
        Action.ASSESSMENT,
    ),
    "pause": TrackForm(
        PauseForm,
        services.pause_add,
        gettext_lazy("Sæt forløbet på pause"),
        gettext_lazy("Pausen er registreret. Planlagte slutdatoer er flyttet."),
        Action.PAUSE,
    ),
    "course": TrackForm(
        CourseForm,
        services.course_register,
        gettext_lazy("Kompetenceløft"),
        gettext_lazy("Kompetenceløftet er gemt."),
        Action.COURSE,
    ),
    "followup": TrackForm(
        FollowUpForm,
        _save_follow_up,
        gettext_lazy("Opfølgning efter ophør"),
        gettext_lazy("Opfølgningen er gemt."),
        Action.FOLLOW_UP,
    ),
    "note": TrackForm(
        NoteForm,
        services.note_add,
        gettext_lazy("Nyt notat"),
        gettext_lazy("Notatet er gemt."),
        Action.NOTE,
    ),
}


@permission_required("citizens.write")
def track_form(request, pk: int, kind: str):
    spec = TRACK_FORMS[kind]
    citizen = writable_citizen(request, pk)
    if (refused := refuse_if_not_offered(request, citizen, spec.offered)) is not None:
        return refused
    form_kwargs = {}
    if spec.form_class is NoteForm:
        form_kwargs["allow_sensitive"] = selectors.visibility_for(request.user).sensitive_notes
    form = spec.form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(citizen=citizen, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, spec.done)
            return redirect(citizen_url(citizen))
    return render(
        request,
        "participants/record_form.html",
        {
            "form": form,
            "citizen": citizen,
            "title": spec.title,
            "visibility": citizen_form_shown(request, citizen),
        },
    )


def _exit_date_entered(form: ExitRegisterForm, data) -> date:
    """The exit date the form holds (typed, or refreshed by htmx), else today: the day the
    list of what the exit ends is computed for."""
    if form.is_bound and form.is_valid():
        return form.cleaned_data["exit_date"]
    try:
        return forms.DateField().clean(data.get("exit_date"))
    except ValidationError:
        return timezone.localdate()


@permission_required("citizens.write")
def exit_add(request, pk: int):
    """The exit form (slutskema). Before it is saved it lists the practice placements, pauses
    and courses the exit will end (refreshed when the date changes)."""
    citizen = writable_citizen(request, pk)
    if (refused := refuse_if_not_offered(request, citizen, Action.EXIT)) is not None:
        return refused
    initial = {"exit_date": timezone.localdate(), **selectors.exit_form_initial(citizen)}
    form = ExitRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.exit_register(citizen=citizen, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Slutskemaet er gemt."))
            return redirect(citizen_url(citizen))
    exit_date = _exit_date_entered(form, request.POST if form.is_bound else request.GET)
    context = {
        "citizen": citizen,
        "exit_date": exit_date,
        "ended": services.records_ended_by_exit(citizen=citizen, exit_date=exit_date),
    }
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "participants/partials/exit_ending.html", context)
    form.fields["exit_date"].widget.attrs.update(
        {
            "hx-get": request.path,
            "hx-trigger": "change",
            "hx-target": "#exit-ending",
            "hx-swap": "outerHTML",
        }
    )
    return render(
        request,
        "participants/exit_form.html",
        {
            **context,
            "form": form,
            "title": _("Slutskema (ophør)"),
            "visibility": citizen_form_shown(request, citizen),
        },
    )


@permission_required("citizens.write")
def pause_end(request, pk: int, pause_pk: int):
    pause = get_for_user_or_404(
        Pause.objects.select_related("citizen"),
        request.user,
        write=True,
        pk=pause_pk,
        citizen_id=pk,
    )
    form = PauseEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.pause_end(pause=pause, by=request.user, end=form.cleaned_data["end"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Pausen er afsluttet. Planlagte slutdatoer er flyttet."))
            return redirect(citizen_url(pause.citizen))
    return render(
        request,
        "participants/record_form.html",
        {
            "form": form,
            "citizen": pause.citizen,
            "title": _("Afslut pause"),
            "visibility": citizen_form_shown(request, pause.citizen),
        },
    )


@permission_required("citizens.write")
def track_correct(request, pk: int):
    """A correction after the exit, with a reason: the exit in force and the phase starts.
    When it changes a figure of a period already reported, the first POST shows which
    reports before anything is saved, and only a confirmed POST saves."""
    citizen = writable_citizen(request, pk)
    track = Track.of(Citizen.objects.prefetch_related(*track_prefetch()).get(pk=citizen.pk))
    if selectors.CORRECT not in selectors.offered_actions(track):
        messages.warning(request, _("Forløbet kan kun rettes på denne måde efter ophøret."))
        return redirect(citizen_url(citizen))
    exit_form = ExitForm.objects.get(citizen=citizen, exit_date=track.exit_in_force)
    form = TrackCorrectionForm(request.POST or None, citizen=citizen, exit_form=exit_form)
    reports = []
    if request.method == "POST" and form.is_valid():
        opened = form.opened()
        new_exit = form.cleaned_data["exit_date"]
        ended = (
            services.records_ended_by_exit(citizen=citizen, exit_date=new_exit)
            if new_exit != exit_form.exit_date
            else None
        )
        try:
            services.track_correct(
                citizen=citizen,
                by=request.user,
                reason=form.cleaned_data["reason"],
                opened=opened,
                exit_opened=form.exit_opened(),
                confirmed=form.cleaned_data["confirm"],
                **form.edited_data(),
            )
        except services.ReportedPeriodsTouched as exc:
            reports = exc.reports
            if request.POST.get("warned"):
                form.add_error("confirm", _("Sæt kryds for at gemme rettelsen."))
        except audit.StaleRecord as exc:
            form.show_conflict(exc, opened)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Rettelsen er gemt."))
            if ended:
                count = len(ended.placements) + len(ended.pauses) + len(ended.courses)
                messages.info(
                    request,
                    ngettext(
                        "%(count)s igangværende praktik, pause eller kompetenceløft er afsluttet "
                        "på den rettede ophørsdato.",
                        "%(count)s igangværende praktikker, pauser eller kompetenceløft er "
                        "afsluttet på den rettede ophørsdato.",
                        count,
                    )
                    % {"count": count},
                )
            return redirect(citizen_url(citizen))
    return render(
        request,
        "participants/track_correct.html",
        {
            "form": form,
            "citizen": citizen,
            "exit_form": exit_form,
            "reports": reports,
            "title": _("Ret efter ophør"),
            "visibility": citizen_form_shown(request, citizen),
        },
    )
