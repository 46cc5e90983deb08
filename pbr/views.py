from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from siv import audit
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error, save_edit
from siv.permissions import permission_required
from siv.throttle import throttled

from . import selectors, services, tasks
from .charts import payments_chart
from .forms import (
    BenefitRateForm,
    ContractForm,
    ContractTargetForm,
    ContractVersionForm,
    InvoiceForm,
    LedgerFilter,
    NewContractVersionForm,
    PaymentForm,
    RejectForm,
    SavingBandForm,
    WhatIfForm,
)
from .models import (
    TARGET_KINDS,
    BenefitRate,
    Contract,
    ContractTarget,
    EntryKind,
    LedgerEntry,
    OutcomeKind,
    SavingBand,
)

LEDGER_PAGE = 50


@permission_required("ledger.view")
def overview(request):
    entries = LedgerEntry.objects.for_user(request.user)
    return render(
        request,
        "pbr/overview.html",
        {
            "balances": selectors.balances_by_municipality(request.user),
            "totals": selectors.totals(entries),
        },
    )


@permission_required("ledger.view")
def ledger(request):
    ledger_filter = LedgerFilter(
        request.GET or None,
        queryset=selectors.ledger_for(request.user),
        municipalities=selectors.municipalities_with_contracts(request.user),
    )
    page = Paginator(ledger_filter.qs, LEDGER_PAGE).get_page(request.GET.get("side"))
    return render(request, "pbr/ledger.html", {"filter": ledger_filter, "page": page})


def _municipality(request, pk: int):
    municipality = selectors.municipalities_with_contracts(request.user).filter(pk=pk).first()
    if municipality is None:
        raise Http404
    return municipality


def statement(request, pk: int):
    municipality = _municipality(request, pk)
    entries = selectors.ledger_for(request.user).filter(municipality=municipality)
    page = Paginator(entries, LEDGER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "pbr/statement.html",
        {
            "municipality": municipality,
            "totals": selectors.totals(entries),
            "page": page,
            "invoices": entries.filter(kind=EntryKind.INVOICE),
        },
    )


@permission_required("ledger.view")
def contract_list(request):
    return render(
        request,
        "pbr/contract_list.html",
        {"contracts": selectors.contracts_for(request.user)},
    )


@permission_required("ledger.write")
def contract_create(request):
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contract = services.contract_create(
                by=request.user,
                municipality=data.pop("municipality"),
                cluster=data.pop("cluster"),
                name=data.pop("name"),
                valid_from=data.pop("valid_from"),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kontrakten er oprettet."))
            return redirect("pbr:contract_detail", contract.pk)
    return render(
        request,
        "form.html",
        {"form": form, "title": _("Ny resultatkontrakt"), "back": reverse("pbr:overview")},
    )


def contract_detail(request, pk: int):
    contract = get_for_user_or_404(
        Contract.objects.select_related("municipality", "cluster"), request.user, pk=pk
    )
    outcomes = selectors.outcomes_for(contract).select_related("contract")
    page = Paginator(outcomes, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "pbr/contract_detail.html",
        {
            "contract": contract,
            "versions": contract.versions.all(),
            "targets": selectors.targets_and_outcomes(contract),
            "target_kinds": [OutcomeKind(kind).label for kind in TARGET_KINDS],
            "page": page,
            "totals": selectors.totals(contract.entries.all()),
        },
    )


def version_create(request, pk: int):
    contract = get_for_user_or_404(Contract, request.user, write=True, pk=pk)
    latest = contract.versions.order_by("-valid_from").first()
    initial = {name: getattr(latest, name) for name in ContractVersionForm.Meta.fields}
    initial["valid_from"] = timezone.localdate()
    initial["based_on"] = latest.pk if latest else None
    form = NewContractVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.contract_version_add(
                contract=contract, by=request.user, valid_from=data.pop("valid_from"), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Den nye version er gemt."))
            return redirect("pbr:contract_detail", contract.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": _("Ny version af %(name)s") % {"name": contract},
            "back": reverse("pbr:contract_detail", args=[contract.pk]),
        },
    )


def _propose(request, pk: int, form_class, *, kind: str, title: str, confirm: str):
    """Propose an invoice or a payment on the contract; another controller approves it."""
    contract = get_for_user_or_404(Contract, request.user, write=True, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.ledger_propose(
                contract=contract,
                by=request.user,
                kind=kind,
                idempotency_key=f"{kind}:{data.pop('idempotency_key')}",
                **data,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Forslaget er gemt. Det bogføres, når en anden controller har godkendt det."),
            )
            return redirect("pbr:contract_detail", contract.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "back": reverse("pbr:contract_detail", args=[contract.pk]),
            "title": title % {"name": contract},
            "intro": _(
                "En anden controller skal godkende forslaget, før det bogføres (fire øjne)."
            ),
            "confirm": confirm,
            "submit": _("Foreslå"),
        },
    )


def invoice_create(request, pk: int):
    return _propose(
        request,
        pk,
        InvoiceForm,
        kind=EntryKind.INVOICE,
        title=_("Foreslå faktura til %(name)s"),
        confirm=_("Foreslå fakturaen? En anden controller skal godkende den."),
    )


def payment_create(request, pk: int):
    return _propose(
        request,
        pk,
        PaymentForm,
        kind=EntryKind.PAYMENT,
        title=_("Foreslå betaling på %(name)s"),
        confirm=_("Foreslå betalingen? En anden controller skal godkende den."),
    )


@permission_required("ledger.write")
def proposal_list(request):
    return render(request, "pbr/proposal_list.html", selectors.proposal_queue(request.user))


@permission_required("ledger.write")
def proposal_detail(request, pk: int):
    """One proposal; another controller than its author approves or rejects it here."""
    proposal = get_for_user_or_404(selectors.proposals_for(request.user), request.user, pk=pk)
    decision = request.POST.get("decision")
    reject_form = RejectForm(request.POST if decision == "reject" else None)
    if decision == "approve":
        try:
            entry = services.ledger_proposal_approve(proposal=proposal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            proposal.refresh_from_db()
        else:
            messages.success(
                request,
                _("Forslaget er godkendt og bogført som postering #%(seq)s.") % {"seq": entry.seq},
            )
            return redirect("pbr:proposal_list")
    elif decision == "reject" and reject_form.is_valid():
        try:
            services.ledger_proposal_reject(
                proposal=proposal, by=request.user, reason=reject_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(reject_form, error)
            proposal.refresh_from_db()
        else:
            messages.success(request, _("Forslaget er afvist; intet er bogført."))
            return redirect("pbr:proposal_list")
    return render(
        request,
        "pbr/proposal_detail.html",
        {
            "proposal": proposal,
            "reject_form": reject_form,
            "own": proposal.proposed_by_id == request.user.pk,
            "entry": LedgerEntry.objects.filter(seq=proposal.entry_seq).first()
            if proposal.entry_seq
            else None,
        },
    )


@throttled("export")
def invoice_pdf(request, pk: int):
    invoice = get_for_user_or_404(
        LedgerEntry.objects.filter(kind=EntryKind.INVOICE).select_related(
            "contract", "municipality", "contract__cluster"
        ),
        request.user,
        pk=pk,
    )
    lines = selectors.invoice_lines(invoice)
    from siv.pdf import render_pdf  # heavy import, only for the PDF

    pdf = render_pdf(
        "pbr/invoice_pdf.html",
        {"invoice": invoice, "lines": lines, "total": selectors.totals(lines)["accrued"]},
        title=_("Faktura %(seq)s") % {"seq": invoice.seq},
    )
    audit.record_export(
        actor=request.user, what=invoice.audit_label, details={"format": "pdf", "entry": invoice.pk}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="faktura-{invoice.seq}.pdf"'
    return response


@permission_required("ledger.write")
def detect(request):
    if request.method == "POST":
        user_id = request.user.pk
        transaction.on_commit(lambda: tasks.detect_outcomes.delay(user_id=user_id))
        messages.success(
            request, _("Resultatopgørelsen er startet. Nye posteringer vises, når den er færdig.")
        )
        return redirect("pbr:ledger")
    return render(request, "pbr/detect.html")


def business_case(request, pk: int):
    municipality = _municipality(request, pk)
    case = selectors.business_case(municipality)
    payments = selectors.payments_by_year(municipality)
    return render(
        request,
        "pbr/business_case.html",
        {
            "municipality": municipality,
            "case": case,
            "chart": selectors.chart(case["points"]),
            "payments": payments,
            "payments_chart": payments_chart(payments) if payments else None,
        },
    )


def what_if(request, pk: int):
    municipality = _municipality(request, pk)
    contract = Contract.objects.filter(municipality=municipality).first()
    version = contract.version_on(timezone.localdate()) or contract.versions.first()
    initial = {
        f: getattr(version, f)
        for f in (
            "tariff_job_started",
            "tariff_retained_13",
            "tariff_retained_26",
            "tariff_retained_52",
            "tariff_ebitda_growth",
            "deadweight_share",
        )
    }
    initial["rate_percent"] = Decimal(100)
    form = WhatIfForm(request.GET or None, initial=initial)
    case = None
    if form.is_valid():
        case = selectors.business_case(
            municipality,
            investment=selectors.what_if_investment(
                municipality, form.tariffs(), form.cleaned_data["deadweight_share"]
            ),
            assumptions=selectors.Assumptions(form.cleaned_data["rate_percent"] / 100),
        )
    return render(
        request,
        "pbr/what_if.html",
        {
            "municipality": municipality,
            "form": form,
            "case": case,
            "chart": selectors.chart(case["points"]) if case else None,
            "actual": selectors.business_case(municipality),
        },
    )


@permission_required("ledger.view")
def rates(request):
    return render(
        request,
        "pbr/rates.html",
        {
            "rates": BenefitRate.objects.for_user(request.user),
            "bands": SavingBand.objects.for_user(request.user),
        },
    )


@permission_required("ledger.write")
def rate_create(request):
    save = partial(_add, services.benefit_rate_add, by=request.user)
    return _rates_form(request, BenefitRateForm(request.POST or None), save, _("Ny ydelsessats"))


def rate_edit(request, pk: int):
    rate = get_for_user_or_404(BenefitRate, request.user, write=True, pk=pk)
    save = partial(services.benefit_rate_update, rate=rate, by=request.user)
    form = BenefitRateForm(request.POST or None, instance=rate)
    return _rates_form(request, form, save, _("Ret ydelsessats"))


@permission_required("ledger.write")
def band_create(request):
    save = partial(_add, services.saving_band_add, by=request.user)
    form = SavingBandForm(request.POST or None)
    return _rates_form(request, form, save, _("Nyt besparelsesinterval"))


def band_edit(request, pk: int):
    band = get_for_user_or_404(SavingBand, request.user, write=True, pk=pk)
    save = partial(services.saving_band_update, band=band, by=request.user)
    form = SavingBandForm(request.POST or None, instance=band)
    return _rates_form(request, form, save, _("Ret besparelsesinterval"))


def _add(service, *, opened, **values):
    """A new row has no version the form was opened at: the add service takes the values."""
    return service(**values)


def _rates_form(request, form, save, title: str):
    return _saved_or_form(request, form, save, title=title, done=reverse("pbr:rates"))


def target_create(request, pk: int):
    contract = get_for_user_or_404(Contract, request.user, write=True, pk=pk)
    return _saved_or_form(
        request,
        ContractTargetForm(request.POST or None, initial={"year": timezone.localdate().year}),
        partial(_add, services.contract_target_add, contract=contract, by=request.user),
        title=_("Nye mål for %(name)s") % {"name": contract},
        done=reverse("pbr:contract_detail", args=[contract.pk]),
    )


def target_edit(request, pk: int):
    target = get_for_user_or_404(
        ContractTarget.objects.select_related("contract"), request.user, write=True, pk=pk
    )
    return _saved_or_form(
        request,
        ContractTargetForm(request.POST or None, instance=target),
        partial(services.contract_target_update, target=target, by=request.user),
        title=_("Ret mål for %(name)s") % {"name": target},
        done=reverse("pbr:contract_detail", args=[target.contract_id]),
    )


def _saved_or_form(request, form, save, *, title: str, done: str):
    """Save a valid form through its service and go to `done`; else show the form, with the
    service's Danish refusal or the conflict with someone else's change on it."""
    if request.method == "POST" and form.is_valid() and save_edit(form, save):
        messages.success(request, _("Gemt."))
        return redirect(done)
    return render(request, "form.html", {"form": form, "title": title, "back": done})
