"""A bench child's memory, read from /proc (Linux)."""

from __future__ import annotations

import resource


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
