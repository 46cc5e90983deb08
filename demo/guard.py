"""The seed commands write made-up people into whatever database they are given; they may
run only where that is meant: the demo (SIV_DEMO on) or a database the tests (`test_…`) or
the benchmarks (`siv_bench…`) created. Never the programme's own database."""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

THROWAWAY_DATABASES = ("test_", "siv_bench")


def refuse_outside_demo_or_test(command: str) -> None:
    name = connection.settings_dict.get("NAME") or ""
    if settings.SIV_DEMO or name.startswith(THROWAWAY_DATABASES):
        return
    raise CommandError(
        f"{command} writes made-up data: it runs only in the demo (SIV_DEMO=1) or on a test "
        f"database (named test_… or siv_bench…), not on {name!r}."
    )
