"""The groups that make the test provider misbehave on purpose (validators.py)."""

NO_MFA = "test-uden-mfa"
EXPIRED_ID_TOKEN = "test-udloebet-id-token"
TAMPERED_ID_TOKEN = "test-forfalsket-id-token"
