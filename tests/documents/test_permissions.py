"""Who may open the documents' pages, download a document and remove one: each owner's
documents are scoped like the owner's own page (own and foreign record, every role)."""

from accelerator.models import Company
from economy.models import Expense
from participants.models import Citizen
from partnerships.models import GrowthPartnership
from pbr.models import Contract
from tests.accelerator.test_permissions import _foreign_company, _own_company
from tests.economy.test_permissions import foreign_expense, own_expense
from tests.factories.documents import add_document
from tests.matrix import SEES_ALL, Case, run_matrix
from tests.participants.test_permissions import foreign_citizen, own_citizen
from tests.partnerships.test_permissions import (
    PARTNERSHIP_READERS_ABROAD,
    foreign_partnership,
    own_partnership,
)
from tests.pbr.test_permissions import foreign_contract, own_contract

# owner: (model, view permission, write permission, own, foreign, who sees the foreign record)
OWNERS = {
    "citizen": (Citizen, "citizens.view", "citizens.write", own_citizen, foreign_citizen, SEES_ALL),
    "company": (
        Company,
        "companies.view",
        "companies.write",
        _own_company,
        _foreign_company,
        SEES_ALL,
    ),
    "partnership": (
        GrowthPartnership,
        "partnerships.view",
        "partnerships.manage",
        own_partnership,
        foreign_partnership,
        PARTNERSHIP_READERS_ABROAD,
    ),
    "contract": (Contract, "ledger.view", "ledger.write", own_contract, foreign_contract, SEES_ALL),
    "expense": (Expense, "economy.view", "economy.write", own_expense, foreign_expense, SEES_ALL),
}


def _document_of(model, record_args):
    def build(p):
        record = model.objects.get(pk=record_args(p)[0])
        return [add_document(record, by=p.admin).pk]

    return build


def _cases():
    cases = []
    for key, (model, view, write, own, foreign, abroad) in OWNERS.items():
        cases.append(
            Case(f"documents:{key}_documents", view, own=own, foreign=foreign, foreign_roles=abroad)
        )
        cases.append(
            Case(
                "documents:document_download",
                view,
                own=_document_of(model, own),
                foreign=_document_of(model, foreign),
                foreign_roles=abroad,
            )
        )
        cases.append(
            Case(
                "documents:document_remove",
                write,
                own=_document_of(model, own),
                foreign=_document_of(model, foreign),
                foreign_roles=SEES_ALL,
            )
        )
    return cases


CASES = _cases()

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
