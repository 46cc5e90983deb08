import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from partnerships.models import Region
from reporting.models import (
    JobStatus,
    ReportArtifact,
    ReportFormat,
    ReportJob,
    ReportKind,
    SubProject,
)


class ReportJobFactory(DjangoModelFactory):
    class Meta:
        model = ReportJob

    kind = ReportKind.INDICATORS
    format = ReportFormat.CSV
    params = factory.LazyFunction(dict)


class ReportArtifactFactory(DjangoModelFactory):
    """A finished job's stored file."""

    class Meta:
        model = ReportArtifact

    job = factory.SubFactory(ReportJobFactory, status=JobStatus.DONE, progress=100)
    filename = "indikatorskema.csv"
    content_type = "text/csv; charset=utf-8"
    file = factory.LazyAttribute(lambda o: ContentFile(b"code,label,value,target\n", o.filename))
    size = 24
    sha256 = hashlib.sha256(b"code,label,value,target\n").hexdigest()
    created_by = factory.LazyAttribute(lambda o: o.job.created_by)


class SubProjectFactory(DjangoModelFactory):
    """A regional sub-project with its own journal number and period."""

    class Meta:
        model = SubProject

        django_get_or_create = ("region",)

    region = factory.LazyFunction(lambda: Region.objects.get(name="Region Sjælland"))
    name = factory.LazyAttribute(lambda o: f"Delprojekt {o.region.name}")
    journal_number = factory.Sequence(lambda n: f"SFNPO-18-{n + 100:04d}")
    project_start = datetime.date(2018, 1, 1)
    project_end = datetime.date(2022, 9, 30)
