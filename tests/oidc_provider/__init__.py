"""A small OpenID Connect provider for the tests: django-oauth-toolkit with OIDC and an RS256
key, started as its own process (tests/oidc/provider.py). Like a municipality's provider it
sends `amr` and `groups`; members of the `test-*` groups make it misbehave on purpose."""
