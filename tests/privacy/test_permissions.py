from tests.api.conftest import citizen_in
from tests.matrix import Case, run_matrix


def _own(p):
    return [citizen_in(p.own, p.cluster).pk]


def _foreign(p):
    return [citizen_in(p.foreign, p.cluster).pk]


CASES = [
    Case("privacy:citizen_privacy", "privacy.manage", own=_own, foreign=_foreign),
    Case(
        "privacy:citizen_export",
        "privacy.manage",
        own=lambda p: [*_own(p), "json"],
        foreign=lambda p: [*_foreign(p), "json"],
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
