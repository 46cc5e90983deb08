"""The API's rate limits, kept when the cache that counts them (Redis) cannot be reached.

DRF's throttles count requests in the default cache; with Redis down every API call answered
500. They now count in this process's memory while Redis is away (the limits keep holding,
per process), and in Redis again as soon as it answers.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class ResilientCache:
    """The default cache, or this process's memory while the default cannot be reached."""

    def __init__(self) -> None:
        self.local = LocMemCache("siv-throttle-fallback", {})

    def _call(self, method: str, *args, **kwargs):
        try:
            return getattr(caches["default"], method)(*args, **kwargs)
        except UNREACHABLE:
            log.warning("The cache does not answer: rate limits count in this process")
            return getattr(self.local, method)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)


resilient_cache = ResilientCache()


class AnonThrottle(AnonRateThrottle):
    cache = resilient_cache


class UserThrottle(UserRateThrottle):
    cache = resilient_cache
