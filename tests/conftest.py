import pytest

from .personas import make_personas


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
