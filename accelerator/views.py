from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siv import audit
from siv.access import get_for_user_or_404
from siv.forms import VersionedForm, save_edit, save_valid
from siv.permissions import has_perm, permission_required

from . import charts, forms, selectors, services
from .filters import CompanyFilter, OpeningFilter
from .models import (
    Buddy,
    Camp,
    Campaign,
    Company,
    CompanyContact,
    CompanyFinancial,
    ContactLogEntry,
    DevelopmentSession,
    JobCommitment,
    JobOpening,
    Milestone,
    Programme,
)

PAGE_SIZE = 25


def _saved(request, form, save, *, instance=None) -> Any:
    """Validate a posted form and return `save(**cleaned_data)`; None with errors on the form.

    A ModelForm writes the posted values onto its instance while validating; the instance is
    reloaded first so the service sees (and logs) the change from the stored values.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    fields = {name: form.cleaned_data[name] for name in form.fields}
    if instance is not None:
        instance.refresh_from_db()
    return save_valid(form, lambda: save(**fields))


def _form_page(request, form, *, title: str, back: str, submit: str | None = None):
    return render(
        request,
        "form.html",
        {"form": form, "title": title, "back": reverse(back), "submit": submit or _("Gem")},
    )


# Companies ---------------------------------------------------------------------------------


def company_list(request):
    company_filter = CompanyFilter(
        request.GET or None, queryset=selectors.company_list(user=request.user)
    )
    if request.GET.keys() - {"side"}:
        audit.record_search(
            actor=request.user,
            model=Company,
            criteria=request.GET.dict(),
            choices=audit.choice_criteria(company_filter),
        )
    page = Paginator(company_filter.qs, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "accelerator/company_list.html",
        {
            "filter": company_filter,
            "page": page,
        },
    )


@permission_required("companies.manage")
def company_create(request):
    form = forms.CompanyForm(request.POST or None, may_assign_developer=True)
    company = _saved(request, form, partial(services.company_create, by=request.user))
    if company is not None:
        messages.success(request, _("Virksomheden er oprettet."))
        return redirect("accelerator:company_detail", company.pk)
    return _form_page(request, form, title=_("Opret virksomhed"), back="accelerator:company_list")


def company_detail(request, pk: int):
    company = get_for_user_or_404(
        Company.objects.select_related(
            "municipality", "enrolled_cluster", "business_developer", "organisation"
        ),
        request.user,
        pk=pk,
    )
    financials = list(company.financials.order_by("year"))
    commitments = list(company.commitments.all())
    years = [str(f.year) for f in financials]
    financial_chart = charts.bar_chart(
        title=_("Regnskabstal for %(company)s") % {"company": company.name},
        description=_("Omsætning og EBITDA pr. år i kroner. Tallene står også i tabellen."),
        categories=years,
        series=[
            (_("Omsætning"), [f.revenue for f in financials]),
            (_("EBITDA"), [f.ebitda for f in financials]),
        ],
    )
    commitment_chart = charts.bar_chart(
        title=_("Jobtilsagn for %(company)s") % {"company": company.name},
        description=_("Antal tilsagte job pr. frist. Tallene står også i tabellen."),
        categories=[c.due_on.strftime("%d.%m.%Y") for c in commitments],
        series=[(_("Tilsagte job"), [c.openings for c in commitments])],
    )
    return render(
        request,
        "accelerator/company_detail.html",
        {
            "company": company,
            "financials": financials,
            "financial_chart": financial_chart,
            "commitments": commitments,
            "openings": company.openings.order_by("starts_on", "pk"),
            "commitment_chart": commitment_chart,
            "commitments_total": selectors.commitments_total(company),
            "growth": selectors.company_growth(company),
            "summary": selectors.company_summary(company),
            "milestones": company.milestones.all(),
            "camps": list(selectors.company_camps(company, user=request.user)),
            "contacts": company.contacts.all(),
            "buddies": company.buddies.all(),
            "slot_shared_with": (
                company.slot.companies.exclude(pk=company.pk).first() if company.slot_id else None
            ),
            "can_write": selectors.can_write(Company, company, request.user),
        },
    )


def company_edit(request, pk: int):
    company = get_for_user_or_404(Company, request.user, write=True, pk=pk)
    form = forms.CompanyForm(
        request.POST or None,
        instance=company,
        may_assign_developer=has_perm(request.user, "companies.manage"),
    )
    save = partial(services.company_update, company=company, by=request.user)
    if request.method == "POST" and form.is_valid() and save_edit(form, save):
        messages.success(request, _("Virksomheden er gemt."))
        return redirect("accelerator:company_detail", company.pk)
    return _form_page(
        request,
        form,
        title=_("Ret %(company)s") % {"company": company},
        back="accelerator:company_list",
    )


def company_dropout(request, pk: int):
    company = get_for_user_or_404(Company, request.user, write=True, pk=pk)
    form = forms.DropOutForm(
        request.POST or None, initial={"date": timezone.localdate().isoformat()}
    )
    if _saved(request, form, partial(services.company_drop_out, company=company, by=request.user)):
        messages.success(request, _("Virksomheden er registreret som frafaldet."))
        return redirect("accelerator:company_detail", company.pk)
    return render(
        request,
        "accelerator/company_dropout.html",
        {
            "company": company,
            "form": form,
            "support_companies": selectors.support_companies(user=request.user),
        },
    )


def company_enrol(request, pk: int):
    company = get_for_user_or_404(Company, request.user, write=True, pk=pk)
    partners = selectors.enrolment_partners(company=company, user=request.user)
    form = forms.EnrolForm(
        request.POST or None,
        partners=partners,
        initial={"cluster": company.municipality.clusters.order_by("number").first()},
    )
    invitation_id = request.GET.get("invitation", "")
    invitation = (
        company.invitations.filter(pk=invitation_id).first() if invitation_id.isdigit() else None
    )
    save = partial(services.company_enrol, company=company, by=request.user, invitation=invitation)
    if _saved(request, form, save):
        messages.success(request, _("Virksomheden er optaget i acceleratorprogrammet."))
        return redirect("accelerator:company_detail", company.pk)
    return _form_page(
        request,
        form,
        title=_("Optag %(company)s i acceleratorprogrammet") % {"company": company},
        back="accelerator:company_list",
        submit=_("Optag"),
    )


@dataclass(frozen=True)
class RecordKind:
    """A list of rows on a company with a form to add one (contacts, buddies, …)."""

    model: Any
    form: Any
    service: Any
    title: Any
    template: str
    # Rows that can be corrected one by one (financials and milestones are saved again instead).
    editable: bool = False
    # Rows that may be removed (people leave); commitments stay, they are followed up.
    deletable: bool = False
    # The edit form and its service, when they differ from `form` and services.record_update
    # (a VersionedForm's service takes the `opened` version).
    edit_form: Any = None
    update: Any = None
    # What the success message names, given the saved row; "Gemt." without it.
    saved: Callable[[Any], str] | None = None

    def saved_message(self, obj) -> str:
        return self.saved(obj) if self.saved is not None else _("Gemt.")


def _milestone_saved(milestone: Milestone) -> str:
    return _("Milepælen '%(kind)s' er gemt.") % {"kind": milestone.get_kind_display()}


RECORDS = {
    "financials": RecordKind(
        CompanyFinancial,
        forms.FinancialForm,
        services.financial_set,
        gettext_lazy("Regnskabstal"),
        "accelerator/records/financials.html",
    ),
    "contacts": RecordKind(
        CompanyContact,
        forms.ContactForm,
        services.contact_add,
        gettext_lazy("Kontaktpersoner"),
        "accelerator/records/contacts.html",
        editable=True,
        deletable=True,
    ),
    "buddies": RecordKind(
        Buddy,
        forms.BuddyForm,
        services.buddy_add,
        gettext_lazy("Buddies"),
        "accelerator/records/buddies.html",
        editable=True,
        deletable=True,
    ),
    "milestones": RecordKind(
        Milestone,
        forms.MilestoneForm,
        services.milestone_add,
        gettext_lazy("Milepæle i den sociale model"),
        "accelerator/records/milestones.html",
        editable=True,
        edit_form=forms.MilestoneEditForm,
        update=lambda *, obj, **fields: services.milestone_update(milestone=obj, **fields),
        saved=_milestone_saved,
    ),
    "commitments": RecordKind(
        JobCommitment,
        forms.CommitmentForm,
        services.commitment_add,
        gettext_lazy("Jobtilsagn"),
        "accelerator/records/commitments.html",
        editable=True,
    ),
    "openings": RecordKind(
        JobOpening,
        forms.OpeningForm,
        services.opening_add,
        gettext_lazy("Jobåbninger"),
        "accelerator/records/openings.html",
        editable=True,
        edit_form=forms.OpeningEditForm,
        update=lambda *, obj, **fields: services.opening_update(opening=obj, **fields),
    ),
    "sessions": RecordKind(
        DevelopmentSession,
        forms.SessionForm,
        services.session_add,
        gettext_lazy("Sparringssessioner"),
        "accelerator/records/sessions.html",
        editable=True,
    ),
}


def company_records(request, pk: int, kind: str):
    record = RECORDS[kind]
    company = get_for_user_or_404(Company, request.user, pk=pk)
    can_write = selectors.can_write(Company, company, request.user)
    form = record.form(request.POST or None) if can_write else None
    existing = None
    if request.method == "POST":
        if not can_write:
            raise Http404
        obj = _saved(request, form, partial(record.service, company=company, by=request.user))
        if obj:
            messages.success(request, record.saved_message(obj))
            return redirect(request.path)
        if form.has_error("kind", code=services.MILESTONE_EXISTS):
            # Refused as a duplicate: offer the milestone that exists, to edit instead.
            existing = Milestone.objects.filter(company=company, kind=form.data["kind"]).first()
    rows = record.model.objects.for_user(request.user).filter(company=company)
    if kind == "sessions":
        rows = rows.select_related("developer")
    edit_url = f"accelerator:company_{kind}_edit" if record.editable and form else ""
    return render(
        request,
        "accelerator/company_records.html",
        {
            "company": company,
            "record": record,
            "rows": rows,
            "form": form,
            "today": timezone.localdate(),
            "edit_url": edit_url,
            "existing": existing,
        },
    )


def company_record_edit(request, pk: int, kind: str, item_pk: int):
    record = RECORDS[kind]
    if not record.editable:
        raise Http404
    company = get_for_user_or_404(Company, request.user, write=True, pk=pk)
    item = get_for_user_or_404(
        record.model.objects.filter(company=company), request.user, write=True, pk=item_pk
    )
    list_url = reverse(f"accelerator:company_{kind}", args=[company.pk])
    if request.method == "POST" and "delete" in request.POST:
        if not record.deletable:
            raise Http404
        services.record_delete(obj=item, by=request.user)
        messages.success(request, _("Slettet."))
        return redirect(list_url)
    form = (record.edit_form or record.form)(request.POST or None, instance=item)
    save = partial(record.update or services.record_update, obj=item, by=request.user)
    if isinstance(form, VersionedForm):
        saved = request.method == "POST" and form.is_valid() and save_edit(form, save)
    else:
        saved = _saved(request, form, save, instance=item)
    if saved:
        messages.success(request, record.saved_message(saved))
        return redirect(list_url)
    return render(
        request,
        "accelerator/company_record_edit.html",
        {
            "company": company,
            "record": record,
            "item": item,
            "form": form,
            "list_url": list_url,
        },
    )


@permission_required("company_log.view")
def company_log(request, pk: int):
    """The company's contact history, newest first, with a form for those who keep it."""
    company = get_for_user_or_404(Company, request.user, pk=pk)
    form = None
    if has_perm(request.user, "company_log.write"):
        form = forms.ContactLogForm(
            request.POST or None, initial={"date": timezone.localdate().isoformat()}
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        save = partial(services.contact_log_add, company=company, by=request.user)
        if _saved(request, form, save):
            messages.success(request, _("Kontakten er registreret."))
            return redirect(request.path)
    page = Paginator(selectors.contact_log(company, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    audit.record_list_view(
        actor=request.user,
        model=ContactLogEntry,
        ids=[entry.pk for entry in page],
        details={"company": company.pk},
    )
    return render(
        request,
        "accelerator/company_log.html",
        {"company": company, "page": page, "form": form},
    )


@permission_required("openings.view")
def opening_list(request):
    opening_filter = OpeningFilter(
        request.GET or None, queryset=selectors.opening_list(user=request.user)
    )
    page = Paginator(opening_filter.qs, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request, "accelerator/opening_list.html", {"filter": opening_filter, "page": page}
    )


# Programmes and recruitment ----------------------------------------------------------------


@permission_required("programme.view")
def programme_list(request):
    return render(
        request,
        "accelerator/programme_list.html",
        {"clusters": selectors.clusters_for_user(request.user).select_related("programme")},
    )


@permission_required("programme.view")
def programme_detail(request, cluster_pk: int):
    cluster = selectors.clusters_for_user(request.user).filter(pk=cluster_pk).first()
    if cluster is None:
        raise Http404
    programme = Programme.objects.filter(cluster=cluster).first()
    can_write = has_perm(request.user, "companies.manage")
    form = forms.ProgrammeStartForm(
        request.POST or None, initial={"start": programme.start if programme else None}
    )
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            services.programme_set_start(cluster=cluster, by=request.user, **form.cleaned_data)
            messages.success(request, _("Programstarten er gemt."))
            return redirect(request.path)
    companies = (
        selectors.company_list(user=request.user)
        .filter(enrolled_cluster=cluster)
        .select_related("slot")
    )
    return render(
        request,
        "accelerator/programme_detail.html",
        {
            "cluster": cluster,
            "programme": programme,
            "companies": companies,
            "slot_usage": selectors.slot_usage(cluster=cluster),
            "camps": selectors.camp_list(user=request.user).filter(cluster=cluster),
            "form": form if can_write else None,
        },
    )


@permission_required("programme.view")
def campaign_list(request):
    page = Paginator(selectors.campaign_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "accelerator/campaign_list.html",
        {"page": page},
    )


@permission_required("recruitment.run")
def campaign_create(request):
    form = forms.CampaignForm(request.POST or None)
    campaign = _saved(
        request, form, lambda **data: services.campaign_create(by=request.user, **data)
    )
    if campaign:
        messages.success(request, _("Kampagnen er oprettet."))
        return redirect("accelerator:campaign_detail", campaign.pk)
    return _form_page(
        request, form, title=_("Ny rekrutteringskampagne"), back="accelerator:campaign_list"
    )


def campaign_detail(request, pk: int):
    campaign = get_for_user_or_404(
        Campaign.objects.select_related("municipality", "cluster"), request.user, pk=pk
    )
    invitations = campaign.invitations.select_related("company", "company__enrolled_cluster")
    return render(
        request,
        "accelerator/campaign_detail.html",
        {
            "campaign": campaign,
            "invitations": invitations,
            "can_write": selectors.can_write(Campaign, campaign, request.user),
        },
    )


def campaign_invite(request, pk: int):
    campaign = get_for_user_or_404(Campaign, request.user, write=True, pk=pk)
    form = forms.InviteForm(
        request.POST or None,
        companies=selectors.invitable_companies(campaign=campaign, user=request.user),
        initial={"invited_on": timezone.localdate().isoformat()},
    )
    if _saved(request, form, partial(services.campaign_invite, campaign=campaign, by=request.user)):
        messages.success(request, _("Virksomheden er inviteret til boot camp."))
        return redirect("accelerator:campaign_detail", campaign.pk)
    return _form_page(
        request,
        form,
        title=_("Inviter til boot camp: %(campaign)s") % {"campaign": campaign},
        back="accelerator:campaign_list",
        submit=_("Inviter"),
    )


def campaign_attendance(request, pk: int):
    campaign = get_for_user_or_404(Campaign, request.user, write=True, pk=pk)
    invitations = campaign.invitations.select_related("company")
    form = forms.BootCampAttendanceForm(
        request.POST or None,
        invitations=invitations,
        initial={"attended": [i for i in invitations if i.attended]},
    )
    if request.method == "POST" and form.is_valid():
        services.boot_camp_register_attendance(
            campaign=campaign,
            attended_ids=[i.pk for i in form.cleaned_data["attended"]],
            by=request.user,
        )
        messages.success(request, _("Fremmødet til boot camp er gemt."))
        return redirect("accelerator:campaign_detail", campaign.pk)
    return _form_page(
        request,
        form,
        title=_("Fremmøde til boot camp: %(campaign)s") % {"campaign": campaign},
        back="accelerator:campaign_list",
    )


# Camps -------------------------------------------------------------------------------------


@permission_required("programme.view")
def camp_list(request):
    page = Paginator(selectors.camp_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "accelerator/camp_list.html",
        {"page": page},
    )


@permission_required("recruitment.run")
def camp_create(request):
    form = forms.CampForm(request.POST or None)
    camp = _saved(request, form, lambda **data: services.camp_create(by=request.user, **data))
    if camp:
        messages.success(request, _("Camp er oprettet."))
        return redirect("accelerator:camp_detail", camp.pk)
    return _form_page(request, form, title=_("Ny camp"), back="accelerator:camp_list")


def camp_detail(request, pk: int):
    camp = get_for_user_or_404(Camp.objects.select_related("cluster"), request.user, pk=pk)
    can_write = selectors.can_write(Camp, camp, request.user)
    attendees = list(selectors.camp_attendees(camp, user=request.user))
    # Those who register attendance see every company on the form, so here too; a reader
    # sees the companies in their scope, and how many others attended.
    listed = attendees if can_write else [c for c in attendees if c.visible]
    return render(
        request,
        "accelerator/camp_detail.html",
        {
            "camp": camp,
            "companies": listed,
            "company_count": len(attendees),
            "others_count": len(attendees) - len(listed),
            "staff": camp.staff_attendance.select_related("user__municipality").order_by(
                "user__first_name", "user__last_name", "pk"
            ),
            "can_write": can_write,
            "attendance_open": camp.has_taken_place,
        },
    )


def camp_edit(request, pk: int):
    camp = get_for_user_or_404(Camp, request.user, write=True, pk=pk)
    form = forms.CampForm(request.POST or None, instance=camp)
    if _saved(
        request, form, partial(services.camp_update, camp=camp, by=request.user), instance=camp
    ):
        messages.success(request, _("Camp er gemt."))
        return redirect("accelerator:camp_detail", camp.pk)
    return _form_page(
        request, form, title=_("Ret %(camp)s") % {"camp": camp}, back="accelerator:camp_list"
    )


def camp_attendance(request, pk: int):
    camp = get_for_user_or_404(
        Camp.objects.select_related("cluster"), request.user, write=True, pk=pk
    )
    companies, staff = selectors.camp_attendance_choices(camp)
    form = forms.CampAttendanceForm(
        request.POST or None,
        companies=companies,
        staff=staff,
        initial={
            "companies": [c.pk for c in selectors.camp_attendees(camp, user=request.user)],
            "staff": list(camp.staff_attendance.values_list("user_id", flat=True)),
        },
    )
    save = partial(services.camp_register_attendance, camp=camp, by=request.user)
    if _saved(request, form, save) is not None:
        messages.success(request, _("Fremmødet er gemt."))
        return redirect("accelerator:camp_detail", camp.pk)
    return render(
        request,
        "accelerator/camp_attendance.html",
        {"camp": camp, "form": form if camp.has_taken_place else None},
    )
