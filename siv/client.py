"""Who sent a request: the one answer the audit log, the sign-in throttle and the lockout
(django-axes) all use.

Behind a TLS-terminating proxy the direct peer (REMOTE_ADDR) is the proxy, and the client is
named in the `X-Forwarded-For` header the proxy appends to. That header, and
`X-Forwarded-Proto`, are the client's own words unless a proxy we run wrote them: they are
believed only when the direct peer is one of SIV_TRUSTED_PROXIES (addresses or networks).
Then the client is the right-most address in `X-Forwarded-For` that is not itself a trusted
proxy; everything left of it may have been written by the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"SIV_TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from error
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.SIV_TRUSTED_PROXIES))


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    parsed = _parse(address) if address else None
    if parsed is None:
        return False
    return any(parsed in network for network in trusted_networks())


def from_trusted_proxy(request) -> bool:
    """The direct peer is one of our proxies, so its forwarding headers are believed."""
    return is_trusted_proxy(request.META.get("REMOTE_ADDR"))


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR") or None
    if not from_trusted_proxy(request):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            # Our proxy writes valid addresses; anything else is not a client to name.
            return peer
        if not is_trusted_proxy(hop):
            return str(parsed)
    # Every hop is one of our proxies: the left-most is as far as the chain goes.
    first = _parse(hops[0]) if hops else None
    return str(first) if first is not None else peer
