from siv.roles import Role
from tests.matrix import ALL_ROLES, Case, run_matrix

CASES = [
    Case("home", ALL_ROLES),
    Case("audit_log", frozenset({Role.ADMIN, Role.CONTROLLER})),
    Case("otp_verify", ALL_ROLES, status_ok=302),  # no device yet: on to the set-up page
    Case("otp_setup", ALL_ROLES),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
