"""The records a document may belong to, each with the permissions and the scope of its own
page: a document is seen by whoever sees its record, and added or removed by whoever may
change it (the record's `for_user(user, write=True)`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse

from accelerator.models import Company
from economy.models import Expense
from participants.models import Citizen
from partnerships.models import GrowthPartnership
from pbr.models import Contract

from .models import DocumentKind


@dataclass(frozen=True)
class Owner:
    key: str  # the document's foreign key to the record
    model: type[models.Model]
    view_permission: str
    write_permission: str
    kinds: tuple[DocumentKind, ...]
    url_name: str  # the documents' own page of one record
    page: Callable[[Any], str]  # the record's page
    label: Callable[[Any], str]  # the record as every role that sees it may read it


OWNERS: dict[str, Owner] = {
    "citizen": Owner(
        key="citizen",
        model=Citizen,
        view_permission="citizens.view",
        write_permission="citizens.write",
        kinds=(
            DocumentKind.DECLARATION,
            DocumentKind.CONSENT,
            DocumentKind.EXIT,
            DocumentKind.OTHER,
        ),
        url_name="documents:citizen_documents",
        page=lambda obj: reverse("participants:citizen_detail", args=[obj.pk]),
        # The pseudonym: the fund's roles see no names.
        label=lambda obj: obj.audit_label,
    ),
    "company": Owner(
        key="company",
        model=Company,
        view_permission="companies.view",
        write_permission="companies.write",
        kinds=(DocumentKind.AGREEMENT, DocumentKind.ACCOUNTS, DocumentKind.OTHER),
        url_name="documents:company_documents",
        page=lambda obj: reverse("accelerator:company_detail", args=[obj.pk]),
        label=str,
    ),
    "partnership": Owner(
        key="partnership",
        model=GrowthPartnership,
        view_permission="partnerships.view",
        write_permission="partnerships.manage",
        kinds=(
            DocumentKind.PARTNERSHIP_DECLARATION,
            DocumentKind.TERMS_OF_REFERENCE,
            DocumentKind.MINUTES,
            DocumentKind.OTHER,
        ),
        url_name="documents:partnership_documents",
        page=lambda obj: reverse("partnerships:partnership_detail", args=[obj.pk]),
        label=str,
    ),
    "contract": Owner(
        key="contract",
        model=Contract,
        view_permission="ledger.view",
        write_permission="ledger.write",
        kinds=(DocumentKind.SIGNED_CONTRACT, DocumentKind.APPENDIX, DocumentKind.OTHER),
        url_name="documents:contract_documents",
        page=lambda obj: reverse("pbr:contract_detail", args=[obj.pk]),
        label=str,
    ),
    "expense": Owner(
        key="expense",
        model=Expense,
        view_permission="economy.view",
        write_permission="economy.write",
        kinds=(
            DocumentKind.INVOICE,
            DocumentKind.HOURS_STATEMENT,
            DocumentKind.APPENDIX,
            DocumentKind.OTHER,
        ),
        url_name="documents:expense_documents",
        page=lambda obj: reverse("economy:expense_list", args=[obj.sub_project_id]),
        label=lambda obj: obj.document,
    ),
}


def owner_of_model(model: type[models.Model]) -> Owner:
    return next(owner for owner in OWNERS.values() if owner.model is model)
