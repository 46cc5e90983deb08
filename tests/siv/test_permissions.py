from tests.matrix import Case, run_matrix

CASES = [
    Case("home", None),
    Case("audit_log", "audit.view"),
    Case("otp_verify", None, status_ok=302),  # no device yet: on to the set-up page
    Case("otp_setup", None),
    Case("account", None),
    Case("password_change", None),
    Case("session_end", None, status_ok=405),  # POST only
    Case("webauthn_register", None),
    Case("webauthn_remove", None, own=lambda p: [1], status_ok=405),  # POST only
    Case("webauthn_verify", None, status_ok=405),  # POST only
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
