"""Partnerships' screens: thin views over selectors (reads) and services (writes).

Objects come through the scoping querysets (foreign ones answer 404); pages that only some
roles have at all are gated with `permission_required`, which also answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from siv import audit
from siv.access import get_for_user_or_404
from siv.enrolment import enrolment_code_issue
from siv.forms import save_edit, save_valid
from siv.models import AuditAction
from siv.passwords import password_link_issue
from siv.permissions import permission_required, require_perm
from siv.roles import Role

from . import selectors, services
from .filters import OrganisationFilter, PartnershipFilter, SteeringMeetingFilter, UserFilter
from .forms import (
    ClusterForm,
    EvaluationForm,
    GrowthPartnershipForm,
    MembershipForm,
    OrganisationForm,
    PartnerPlanEntryForm,
    PartnershipMeetingForm,
    SteeringGroupMeetingForm,
    UserCreateForm,
    UserUpdateForm,
)
from .models import (
    EVALUATION_QUESTIONS,
    Answer,
    Cluster,
    CollaborationEvaluation,
    GrowthPartnership,
    Organisation,
    SteeringGroupMeeting,
    User,
)

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("side"))


def _saved(request, form, save: Callable[[dict], Any]) -> Any | None:
    """Run `save(cleaned_data)` for a valid POSTed form; validation errors go on the form."""
    if request.method != "POST":
        return None
    return save_valid(form, lambda: save(form.cleaned_data))


def _form_page(request, form, *, title: str, back: str, **context):
    return render(
        request,
        "form.html",
        {"form": form, "title": title, "back": back, **context},
    )


def _can_write(model, user, pk=None) -> bool:
    queryset = model.objects.for_user(user, write=True)
    return queryset.filter(pk=pk).exists() if pk is not None else queryset.exists()


# Clusters


def cluster_list(request):
    return render(
        request,
        "partnerships/cluster_list.html",
        {
            "page": _page(request, selectors.cluster_list(user=request.user)),
        },
    )


def cluster_detail(request, pk: int):
    cluster = get_for_user_or_404(Cluster, request.user, pk=pk)
    return render(
        request,
        "partnerships/cluster_detail.html",
        {
            "cluster": cluster,
            "memberships": selectors.cluster_memberships(cluster=cluster),
            "partnerships": selectors.partnership_list(user=request.user).filter(cluster=cluster),
            "can_edit": _can_write(Cluster, request.user, cluster.pk),
        },
    )


@permission_required("partnerships.manage")
def cluster_edit(request, pk: int | None = None):
    cluster = get_for_user_or_404(Cluster, request.user, write=True, pk=pk) if pk else None
    form = ClusterForm(request.POST or None, instance=cluster)
    saved = _saved(
        request,
        form,
        lambda data: services.cluster_save(by=request.user, cluster=cluster, **data),
    )
    if saved:
        messages.success(request, _("Klyngen er gemt."))
        return redirect("partnerships:cluster_detail", saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ret klynge") if cluster else _("Ny klynge"),
        back=(
            reverse("partnerships:cluster_detail", args=[cluster.pk])
            if cluster
            else reverse("partnerships:cluster_list")
        ),
    )


@permission_required("partnerships.manage")
def membership_edit(request, pk: int, membership_pk: int | None = None):
    cluster = get_for_user_or_404(Cluster, request.user, write=True, pk=pk)
    membership = get_object_or_404(cluster.memberships, pk=membership_pk) if membership_pk else None
    form = MembershipForm(request.POST or None, instance=membership, cluster=cluster)
    saved = _saved(
        request,
        form,
        lambda data: services.membership_save(
            by=request.user, cluster=cluster, membership=membership, **data
        ),
    )
    if saved:
        messages.success(request, _("Kommunens plads i klyngen er gemt."))
        return redirect("partnerships:cluster_detail", cluster.pk)
    return _form_page(
        request,
        form,
        title=(
            _("Ret %(municipality)s i %(cluster)s")
            % {"municipality": membership.municipality, "cluster": cluster}
            if membership
            else _("Tilføj kommune til %(cluster)s") % {"cluster": cluster}
        ),
        back=reverse("partnerships:cluster_detail", args=[cluster.pk]),
    )


# Organisations


@permission_required("partnerships.manage")
def organisation_list(request):
    org_filter = OrganisationFilter(
        request.GET or None, queryset=selectors.organisation_list(user=request.user)
    )
    return render(
        request,
        "partnerships/organisation_list.html",
        {"filter": org_filter, "page": _page(request, org_filter.qs)},
    )


@permission_required("partnerships.manage")
def organisation_edit(request, pk: int | None = None):
    organisation = (
        get_for_user_or_404(Organisation, request.user, write=True, pk=pk) if pk else None
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    saved = _saved(
        request,
        form,
        lambda data: services.organisation_save(by=request.user, organisation=organisation, **data),
    )
    if saved:
        messages.success(request, _("Organisationen er gemt."))
        return redirect("partnerships:organisation_list")
    return _form_page(
        request,
        form,
        title=_("Ret organisation") if organisation else _("Ny organisation"),
        back=reverse("partnerships:organisation_list"),
    )


# Growth partnerships


def partnership_list(request):
    partnership_filter = PartnershipFilter(
        request.GET or None, queryset=selectors.partnership_list(user=request.user)
    )
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "filter": partnership_filter,
            "page": _page(request, partnership_filter.qs),
        },
    )


def partnership_detail(request, pk: int):
    partnership = get_for_user_or_404(
        GrowthPartnership.objects.select_related(
            "municipality", "cluster", "single_point_of_contact"
        ),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "can_edit": _can_write(GrowthPartnership, request.user, partnership.pk),
            **selectors.partnership_detail_context(partnership=partnership),
        },
    )


@permission_required("partnerships.manage")
def partnership_edit(request, pk: int | None = None):
    partnership = _writable_partnership(request, pk) if pk else None
    form = GrowthPartnershipForm(request.POST or None, instance=partnership)
    save = partial(services.partnership_save, by=request.user, partnership=partnership)
    saved = request.method == "POST" and form.is_valid() and save_edit(form, save)
    if saved:
        messages.success(request, _("Vækstpartnerskabet er gemt."))
        return redirect("partnerships:partnership_detail", saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ret vækstpartnerskab") if partnership else _("Nyt vækstpartnerskab"),
        back=(
            reverse("partnerships:partnership_detail", args=[partnership.pk])
            if partnership
            else reverse("partnerships:partnership_list")
        ),
    )


def _writable_partnership(request, pk: int) -> GrowthPartnership:
    return get_for_user_or_404(GrowthPartnership, request.user, write=True, pk=pk)


def plan_entry_edit(request, pk: int):
    partnership = _writable_partnership(request, pk)
    initial = {}
    partner = request.GET.get("partner")
    if partner and partner.isdigit():
        entry = partnership.plan_entries.filter(organisation_id=partner).first()
        if entry:
            initial = {"organisation": entry.organisation_id, "needs": entry.needs}
            initial["wishes"] = entry.wishes
    form = PartnerPlanEntryForm(request.POST or None, initial=initial, partnership=partnership)
    saved = _saved(
        request,
        form,
        lambda data: services.plan_entry_save(by=request.user, partnership=partnership, **data),
    )
    if saved:
        messages.success(request, _("Partnerplanen er gemt."))
        return redirect("partnerships:partnership_detail", partnership.pk)
    return _form_page(
        request,
        form,
        title=_("Partnerplan: behov og ønsker"),
        back=reverse("partnerships:partnership_detail", args=[partnership.pk]),
    )


def meeting_edit(request, pk: int, meeting_pk: int | None = None):
    partnership = _writable_partnership(request, pk)
    meeting = get_object_or_404(partnership.meetings, pk=meeting_pk) if meeting_pk else None
    form = PartnershipMeetingForm(request.POST or None, instance=meeting)
    saved = _saved(
        request,
        form,
        lambda data: services.partnership_meeting_save(
            by=request.user, partnership=partnership, meeting=meeting, **data
        ),
    )
    if saved:
        messages.success(request, _("Mødet er gemt."))
        return redirect("partnerships:partnership_detail", partnership.pk)
    return _form_page(
        request,
        form,
        title=_("Ret partnerskabsmøde") if meeting else _("Nyt partnerskabsmøde"),
        back=reverse("partnerships:partnership_detail", args=[partnership.pk]),
    )


def meeting_delete(request, pk: int, meeting_pk: int):
    partnership = _writable_partnership(request, pk)
    meeting = get_object_or_404(partnership.meetings, pk=meeting_pk)
    if request.method == "POST":
        services.partnership_meeting_delete(by=request.user, meeting=meeting)
        messages.success(request, _("Mødet er slettet."))
        return redirect("partnerships:partnership_detail", partnership.pk)
    return render(
        request,
        "partnerships/confirm_delete.html",
        {
            "object": meeting,
            "question": _("Slet partnerskabsmødet den %(date)s?")
            % {"date": meeting.date.strftime("%d.%m.%Y")},
            "back": reverse("partnerships:partnership_detail", args=[partnership.pk]),
        },
    )


def evaluation_detail(request, pk: int, evaluation_pk: int):
    evaluation = get_for_user_or_404(
        CollaborationEvaluation.objects.select_related("partnership", "organisation"),
        request.user,
        pk=evaluation_pk,
        partnership_id=pk,
    )
    labels = dict(Answer.choices)
    rows = [
        {
            "question": question,
            "answer": labels.get((evaluation.answers.get(key) or {}).get("answer"), "–"),
            "comment": (evaluation.answers.get(key) or {}).get("comment", ""),
        }
        for key, question in EVALUATION_QUESTIONS
    ]
    return render(
        request,
        "partnerships/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "rows": rows,
            "can_edit": _can_write(GrowthPartnership, request.user, pk),
        },
    )


def evaluation_edit(request, pk: int, evaluation_pk: int | None = None):
    partnership = _writable_partnership(request, pk)
    evaluation = (
        get_object_or_404(partnership.evaluations, pk=evaluation_pk) if evaluation_pk else None
    )
    form = EvaluationForm(request.POST or None, instance=evaluation, partnership=partnership)
    saved = _saved(
        request,
        form,
        lambda data: services.evaluation_save(
            by=request.user,
            partnership=partnership,
            evaluation=evaluation,
            organisation=data["organisation"],
            year=data["year"],
            answers=form.answers(),
        ),
    )
    if saved:
        messages.success(request, _("Evalueringen er gemt."))
        return redirect("partnerships:evaluation_detail", partnership.pk, saved.pk)
    return render(
        request,
        "partnerships/evaluation_form.html",
        {"form": form, "partnership": partnership, "evaluation": evaluation},
    )


# Steering group


@permission_required("steering.view")
def steering_list(request):
    meeting_filter = SteeringMeetingFilter(
        request.GET or None, queryset=selectors.steering_meeting_list(user=request.user)
    )
    return render(
        request,
        "partnerships/steering_list.html",
        {
            "filter": meeting_filter,
            "page": _page(request, meeting_filter.qs),
        },
    )


def steering_detail(request, pk: int):
    meeting = get_for_user_or_404(SteeringGroupMeeting, request.user, pk=pk)
    return render(
        request,
        "partnerships/steering_detail.html",
        {
            "meeting": meeting,
            "attending": meeting.attending_municipalities.order_by("name"),
            "missing": selectors.cluster_municipalities_not_represented(meeting=meeting),
            "can_edit": _can_write(SteeringGroupMeeting, request.user, meeting.pk),
        },
    )


@permission_required("partnerships.manage")
def steering_edit(request, pk: int | None = None):
    meeting = (
        get_for_user_or_404(SteeringGroupMeeting, request.user, write=True, pk=pk) if pk else None
    )
    form = SteeringGroupMeetingForm(request.POST or None, instance=meeting)
    saved = _saved(
        request,
        form,
        lambda data: services.steering_meeting_save(by=request.user, meeting=meeting, **data),
    )
    if saved:
        messages.success(request, _("Styregruppemødet er gemt."))
        return redirect("partnerships:steering_detail", saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ret styregruppemøde") if meeting else _("Nyt styregruppemøde"),
        back=(
            reverse("partnerships:steering_detail", args=[meeting.pk])
            if meeting
            else reverse("partnerships:steering_list")
        ),
    )


@permission_required("partnerships.manage")
def steering_delete(request, pk: int):
    meeting = get_for_user_or_404(SteeringGroupMeeting, request.user, write=True, pk=pk)
    if request.method == "POST":
        services.steering_meeting_delete(by=request.user, meeting=meeting)
        messages.success(request, _("Styregruppemødet er slettet."))
        return redirect("partnerships:steering_list")
    return render(
        request,
        "partnerships/confirm_delete.html",
        {
            "object": meeting,
            "question": _("Slet styregruppemødet den %(date)s med referat?")
            % {"date": meeting.date.strftime("%d.%m.%Y")},
            "back": reverse("partnerships:steering_detail", args=[meeting.pk]),
        },
    )


# Users (administrator only)


def _user_for_admin(request, pk: int) -> User:
    require_perm(request.user, "users.manage")
    return get_for_user_or_404(User, request.user, write=True, pk=pk)


@permission_required("users.manage")
def user_list(request):
    user_filter = UserFilter(request.GET or None, queryset=selectors.user_list(user=request.user))
    criteria = {k: v for k, v in request.GET.items() if k != "side"}
    if criteria:
        audit.record_search(
            actor=request.user,
            model=User,
            criteria=criteria,
            choices=audit.choice_criteria(user_filter),
        )
    return render(
        request,
        "partnerships/user_list.html",
        {
            "filter": user_filter,
            "page": _page(request, user_filter.qs),
            "admin_grants": selectors.pending_admin_grants(user=request.user),
        },
    )


@permission_required("users.manage")
def user_detail(request, pk: int):
    person = get_for_user_or_404(selectors.user_list(user=request.user), request.user, pk=pk)
    audit.record(AuditAction.VIEW, actor=request.user, obj=person)
    return render(
        request,
        "partnerships/user_detail.html",
        {
            "person": person,
            "has_device": person.totpdevice_set.exists(),
            "admin_grant": selectors.pending_admin_grants(user=request.user)
            .filter(user=person)
            .first(),
        },
    )


def _tell_if_admin_proposed(request, form, person: User) -> None:
    if form.cleaned_data.get("role") == Role.ADMIN and person.role != Role.ADMIN:
        messages.info(
            request,
            _(
                "Administratorrollen er foreslået. Brugeren får den, når en anden "
                "administrator har godkendt forslaget."
            ),
        )


@permission_required("users.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    saved = _saved(request, form, lambda data: services.user_create(by=request.user, **data))
    if saved:
        messages.success(
            request,
            _("Brugeren er oprettet. Udsted et link, så brugeren selv kan vælge sin adgangskode."),
        )
        _tell_if_admin_proposed(request, form, saved)
        return redirect("partnerships:user_detail", saved.pk)
    return _form_page(request, form, title=_("Ny bruger"), back=reverse("partnerships:user_list"))


def user_edit(request, pk: int):
    person = _user_for_admin(request, pk)
    form = UserUpdateForm(request.POST or None, instance=person)
    saved = _saved(
        request, form, lambda data: services.user_update(by=request.user, user=person, **data)
    )
    if saved:
        messages.success(request, _("Brugeren er gemt."))
        _tell_if_admin_proposed(request, form, saved)
        return redirect("partnerships:user_detail", saved.pk)
    return _form_page(
        request,
        form,
        title=_("Ret bruger %(username)s") % {"username": person.username},
        back=reverse("partnerships:user_detail", args=[person.pk]),
    )


def _user_action(request, pk: int, action: Callable[[User], str]):
    person = _user_for_admin(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        messages.success(request, action(person))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("partnerships:user_detail", person.pk)


def user_set_active(request, pk: int):
    def toggle(person: User) -> str:
        active = request.POST.get("active") == "1"
        services.user_set_active(by=request.user, user=person, active=active)
        if active:
            return _("Brugeren er genaktiveret.")
        return _("Brugeren er deaktiveret og logget ud alle steder.")

    return _user_action(request, pk, toggle)


def user_reset_lockout(request, pk: int):
    def reset(person: User) -> str:
        services.user_reset_lockout(by=request.user, user=person)
        return _("Låsen er ophævet; brugeren kan logge ind igen.")

    return _user_action(request, pk, reset)


def user_reset_second_factor(request, pk: int):
    def reset(person: User) -> str:
        services.user_reset_second_factor(by=request.user, user=person)
        return _("Totrinsbekræftelsen er nulstillet; brugeren sætter den op ved næste login.")

    return _user_action(request, pk, reset)


def _decide_admin_grant(request, pk: int, decide: Callable[..., Any], done: str):
    def decision(person: User) -> str:
        grant = selectors.pending_admin_grants(user=request.user).filter(user=person).first()
        if grant is None:
            raise ValidationError(_("Der er intet forslag om administratorrollen at behandle."))
        decide(by=request.user, grant=grant)
        return done

    return _user_action(request, pk, decision)


def user_admin_grant_approve(request, pk: int):
    return _decide_admin_grant(
        request,
        pk,
        services.admin_grant_approve,
        _("Forslaget er godkendt; brugeren er nu administrator."),
    )


def user_admin_grant_reject(request, pk: int):
    return _decide_admin_grant(
        request,
        pk,
        services.admin_grant_reject,
        _("Forslaget er afvist; brugeren beholder sin rolle."),
    )


def _user_secret(request, pk: int, issue: Callable[[User], dict[str, Any]], template: str):
    """Issue a one-time secret for the user (POST) and show it, this once, on `template`."""
    person = _user_for_admin(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return render(request, template, {"person": person, **issue(person)})


def user_enrolment_code(request, pk: int):
    """Issue a one-time code with which the user sets up a second factor; shown this once."""

    def issue(person: User) -> dict[str, Any]:
        code = enrolment_code_issue(user=person, by=request.user)
        return {"code": code, "hours": settings.SIV_ENROLMENT_CODE_HOURS}

    return _user_secret(request, pk, issue, "partnerships/user_enrolment_code.html")


def user_password_link(request, pk: int):
    """Issue a one-time link with which the user chooses their password; shown this once."""

    def issue(person: User) -> dict[str, Any]:
        key = password_link_issue(user=person, by=request.user)
        link = request.build_absolute_uri(reverse("password_link", args=[key]))
        return {"link": link, "hours": settings.SIV_PASSWORD_LINK_HOURS}

    return _user_secret(request, pk, issue, "partnerships/user_password_link.html")
