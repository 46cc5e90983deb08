"""'I beskæftigelse hos partnervirksomheder': the citizens of P03 whose exit names one of the
programme's partner (accelerator) companies as employer. Shown below P03 on the screens, never
a code of the CSV export."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accelerator.models import CompanyRole
from participants.models import ExitStatus
from reporting import services
from reporting.indicators import Scope, breakdown, partner_employed
from reporting.models import IndicatorCode
from reporting.selectors import ReportParams
from tests.factories.participants import (
    CitizenFactory,
    CompanyFactory,
    ExitFormFactory,
    VisitationFactory,
)
from tests.factories.partnerships import ClusterFactory, municipality

pytestmark = pytest.mark.django_db
EMPLOYED = ExitStatus.EMPLOYED_ORDINARY


@pytest.fixture
def people():
    """Two citizens who left for a partner company (Køge, Silkeborg) and five who do not
    count: another employer, a support company, not employed, visited again, and a later
    exit that is not employment."""
    ClusterFactory(number=1)
    partner = CompanyFactory(cvr="35740015", role=CompanyRole.ACCELERATOR)
    support = CompanyFactory(cvr="35740023", role=CompanyRole.SUPPORT)

    def visited(muni="Køge"):
        citizen = CitizenFactory(municipality=municipality(muni), phase1_start=date(2024, 1, 8))
        VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
        return citizen

    def left(citizen, on=date(2024, 12, 20), status=EMPLOYED, **employer):
        return ExitFormFactory(citizen=citizen, exit_date=on, status=status, **employer)

    left(visited(), employer_company=partner)
    left(visited("Silkeborg"), on=date(2025, 3, 3), employer_company=partner)
    left(visited(), employer_name="Netto Køge")
    left(visited(), employer_company=support)
    left(visited(), status=ExitStatus.UNEMPLOYED)
    again = visited()
    left(again, employer_company=partner)
    VisitationFactory(citizen=again, proposed_on=date(2025, 2, 3))
    later = visited()
    left(later, on=date(2024, 6, 3), employer_company=partner)
    left(later, on=date(2024, 11, 4), status=ExitStatus.EDUCATION)


def test_only_exits_in_force_to_a_partner_company_count(people):
    end = date(2025, 6, 30)
    assert partner_employed(end=end) == 2
    # Before the Silkeborg exit and before the re-entry: that one is not counted yet, this
    # one still is.
    assert partner_employed(end=date(2025, 1, 31)) == 2
    assert partner_employed(end=date(2024, 12, 1)) == 0
    assert partner_employed(scope=Scope(municipality="Køge"), end=end) == 1


def test_the_figure_is_split_per_region_and_cluster_in_the_same_pass(people):
    counted = breakdown(
        end=date(2025, 6, 30),
        regions=["Region Sjælland", "Region Midtjylland"],
        clusters=[1],
    )
    assert counted.partner_employed == 2
    assert counted.partner_employed_by_region == {"Region Sjælland": 1, "Region Midtjylland": 1}
    assert counted.partner_employed_by_cluster == {1: 2}
    p03 = {row.code: row.value for row in counted.whole}["P03"]
    assert p03 == 4


def test_the_indicator_screen_shows_it_below_p03(signed_in, personas, people):
    response = signed_in(personas.controller).get(
        reverse("reporting:indicators"), {"end": "2025-06-30"}
    )
    rows = response.context["breakdown"]["rows"]
    below = rows[[row["code"] for row in rows].index("P03") + 1]
    assert below["label"] == "heraf hos partnervirksomheder"
    assert below["values"][0] == 2
    assert "heraf hos partnervirksomheder" in response.content.decode()


def test_the_csv_export_keeps_its_stable_codes(people):
    out = io.StringIO()
    call_command("indicators", "--to", "2025-06-30", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [c.value for c in IndicatorCode]
    assert "partner" not in out.getvalue()


def test_the_final_report_shows_it_below_p03_and_per_cluster(people):
    job = services.job_create(
        by=None, kind="final", fmt="pdf", params=ReportParams(end=date(2025, 6, 30)), queue=False
    )
    artifact = services.run_job(job.pk)
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "P03 I beskæftigelse ved ophør 4 – heraf hos partnervirksomheder 2 –" in text
    assert "Klynge 1 7 4 2" in text  # enrolled, employed, of those at partner companies
