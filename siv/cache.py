"""The cache, or this process's memory while the cache (Redis) cannot be reached.

What counts attempts and requests (the API's rate limits, the sign-in throttle per address)
must keep counting when Redis is down, rather than failing open or answering 500: it counts
in this process while Redis is away, and in Redis again as soon as it answers.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class ResilientCache:
    """The default cache, or this process's memory while the default cannot be reached."""

    def __init__(self) -> None:
        self.local = LocMemCache("siv-resilient-fallback", {})

    def _call(self, method: str, *args, **kwargs):
        try:
            return getattr(caches["default"], method)(*args, **kwargs)
        except UNREACHABLE:
            log.warning("The cache does not answer: counting in this process")
            return getattr(self.local, method)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)


resilient_cache = ResilientCache()
