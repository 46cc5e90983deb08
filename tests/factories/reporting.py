import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from reporting.models import JobStatus, ReportArtifact, ReportFormat, ReportJob, ReportKind


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
