import os

import pytest

from .personas import make_personas
from .quality.servers import ensure_redis
from .reference_data import restore_after_flush


def pytest_configure(config):
    """The Redis the settings name (the cache, the worker tests' broker) runs before any test
    does; with pytest-xdist the controlling process starts it, before its workers."""
    if os.environ.get("REDIS_URL") and not os.environ.get("PYTEST_XDIST_WORKER"):
        ensure_redis(os.environ["REDIS_URL"])


@pytest.fixture(autouse=True)
def ledger_head_log(settings, tmp_path):
    """The ledger's head log outside the database: one per test, as each has its ledger."""
    settings.SIV_LEDGER_HEAD_LOG = str(tmp_path / "ledger-heads.log")
    return tmp_path / "ledger-heads.log"


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def signed_in(client):
    """Sign a user in on the test client: `signed_in(user)` returns the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's flush empties the reference tables; put them back after it,
    whatever file pytest-xdist runs next in this process."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or "transactional_db" in item.fixturenames
    )
    # After a process's last test the test database is already gone.
    if transactional and nextitem is not None:
        restore_after_flush(item)
    return result


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (tests/oidc_provider) in its own process, for the run."""
    from .oidc_provider.process import running_provider

    with running_provider() as provider:
        yield provider


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """SIV's three SIV_OIDC_* variables pointing at the test provider."""
    from .oidc_provider.process import CLIENT_ID, CLIENT_SECRET

    settings.SIV_OIDC_ISSUER = oidc_provider.issuer
    settings.SIV_OIDC_CLIENT_ID = CLIENT_ID
    settings.SIV_OIDC_CLIENT_SECRET = CLIENT_SECRET
    return oidc_provider
