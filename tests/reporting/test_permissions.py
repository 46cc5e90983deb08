from siv.roles import Role
from tests.factories.reporting import (
    ReportArtifactFactory,
    ReportJobFactory,
    SubProjectFactory,
)
from tests.matrix import Case, run_matrix


def own_job(p):
    return [ReportJobFactory(created_by=p.lead).pk]


def foreign_job(p):
    return [ReportJobFactory(created_by=p.foreign[Role.MUNICIPAL_LEAD]).pk]


def own_artifact(p):
    return [ReportArtifactFactory(job__created_by=p.lead).pk]


def foreign_artifact(p):
    return [ReportArtifactFactory(job__created_by=p.foreign[Role.MUNICIPAL_LEAD]).pk]


def sub_project(p):
    return [SubProjectFactory().pk]


CASES = [
    Case("reporting:indicators", "reports.view"),
    Case("reporting:indicator_breakdown", "reports.programme"),
    Case("reporting:esf", "reports.view"),
    Case("reporting:start_figures", "reports.view"),
    Case("reporting:hours", "reports.view"),
    Case("reporting:job_list", "reports.view"),
    Case("reporting:job_create", "reports.view"),
    Case("reporting:targets", "reports.write"),
    Case("reporting:project_settings", "reports.write"),
    Case("reporting:report_texts_progress", "reports.write"),
    Case("reporting:report_texts_final", "reports.write"),
    Case("reporting:sub_project_list", "reports.write"),
    Case("reporting:sub_project_edit", "reports.write", own=sub_project),
    Case("reporting:job_detail", "reports.view", own=own_job, foreign=foreign_job),
    Case("reporting:job_progress", "reports.view", own=own_job, foreign=foreign_job),
    Case("reporting:artifact_download", "reports.view", own=own_artifact, foreign=foreign_artifact),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
