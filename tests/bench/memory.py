"""A bench child's memory, read from /proc (Linux)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """This program's peak RSS (VmHWM). Not getrusage's ru_maxrss, which also counts the
    parent's memory copied into the child before exec (the bench's parent holds a lot)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def measured(work: Callable[[], object]) -> tuple[object, dict]:
    """What `work` returns, and its wall time, the process's peak RSS and the rise of the peak
    over the RSS before it started."""
    start_rss = rss_mb()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return result, {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "rise_mb": round(peak - start_rss, 1),
    }
