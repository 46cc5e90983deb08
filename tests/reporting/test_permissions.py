from siv.roles import Role
from tests.factories.reporting import ReportArtifactFactory, ReportJobFactory
from tests.matrix import Case, run_matrix

READERS = frozenset({Role.CONTROLLER, Role.ADMIN, Role.MUNICIPAL_LEAD})
WRITERS = frozenset({Role.CONTROLLER, Role.ADMIN})


def own_job(p):
    return [ReportJobFactory(created_by=p.lead).pk]


def foreign_job(p):
    return [ReportJobFactory(created_by=p.foreign[Role.MUNICIPAL_LEAD]).pk]


def own_artifact(p):
    return [ReportArtifactFactory(job__created_by=p.lead).pk]


def foreign_artifact(p):
    return [ReportArtifactFactory(job__created_by=p.foreign[Role.MUNICIPAL_LEAD]).pk]


CASES = [
    Case("reporting:indicators", READERS),
    Case("reporting:esf", READERS),
    Case("reporting:start_figures", READERS),
    Case("reporting:hours", READERS),
    Case("reporting:job_list", READERS),
    Case("reporting:job_create", READERS),
    Case("reporting:targets", WRITERS),
    Case("reporting:project_settings", WRITERS),
    Case("reporting:report_texts_progress", WRITERS),
    Case("reporting:report_texts_final", WRITERS),
    Case("reporting:job_detail", READERS, own=own_job, foreign=foreign_job),
    Case("reporting:job_progress", READERS, own=own_job, foreign=foreign_job),
    Case("reporting:artifact_download", READERS, own=own_artifact, foreign=foreign_artifact),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
