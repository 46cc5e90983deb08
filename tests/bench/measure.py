"""One size of `make bench`, in its own process (DATABASE_URL is that size's database).

Prints one JSON object. Not a test: nothing here runs in the suite.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from participants.common import parse_iso_week  # noqa: E402
from partnerships.models import User  # noqa: E402
from scripts.dbbackup import libpq_url as libpq  # noqa: E402
from tests.quality.servers import django_server  # noqa: E402

from . import mixed, targets  # noqa: E402
from .browser import Browser  # noqa: E402
from .writes import (  # noqa: E402
    CitizenEdit,
    GridSave,
    VisitationProposal,
    checked,
    grid_week,
    unused_cprs,
)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "200"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
SKIPPED = {"skipped": "not available"}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": ms(statistics.median(ordered)), "p95_ms": ms(p95), "n": len(ordered)}


def ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 2) if floor else None


# --- seed_scale against COPY -----------------------------------------------------------------


def copy_floor(seeding: dict) -> dict:
    """COPY the rows seed_scale wrote into an empty migrated database, in one rolled-back
    transaction: the fastest PostgreSQL can take the same rows with the same constraints."""
    if not seeding.get("seeded_this_run"):
        return {"skipped": "data already present (BENCH_RESEED=1 seeds and measures again)"}
    source = libpq(os.environ["DATABASE_URL"])
    target = libpq(os.environ["BENCH_FLOOR_DATABASE_URL"])
    tables = list(seeding["tables"])
    seconds = 0.0
    with psycopg.connect(source) as src, psycopg.connect(target) as dst:
        for table in tables:
            buffer = io.BytesIO()
            with src.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as out:
                for chunk in out:
                    buffer.write(chunk)
            data = buffer.getvalue()
            started = time.perf_counter()
            with dst.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as into:
                into.write(data)
            seconds += time.perf_counter() - started
        started = time.perf_counter()
        dst.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds += time.perf_counter() - started
        dst.rollback()
    return {
        "seed_scale_s": seeding["seconds"],
        "copy_floor_s": round(seconds, 2),
        "ratio": ratio(seeding["seconds"], seconds),
        "rows": {t: v["rows"] for t, v in seeding["tables"].items()},
    }


# --- pages -----------------------------------------------------------------------------------


def session_cookie(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


def query_count(path: str, username: str) -> int:
    """The queries of a request as most are: the second after sign-in, within the minute
    in which the session is not renewed (the first request renews it: three more)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def timed_gets(base: str, path: str, cookie: str | None, count: int) -> list[float]:
    import http.client

    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    samples = []
    for i in range(count + 3):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        if i >= 3:  # warm-up requests are not counted
            samples.append(elapsed)
    conn.close()
    return samples


def resolve(target: targets.PageTarget) -> str | None:
    """The page's path, or None when its URL name (or the data it shows) is not there."""
    try:
        kwargs = target.kwargs()
        if kwargs is None:
            return None
        path = reverse(target.url_name, kwargs=kwargs)
        return f"{path}?{target.query}" if target.query else path
    except NoReverseMatch:
        return None


def measure_pages(base: str, pages_too: bool = True) -> tuple[dict, dict, dict]:
    """Each page against two floors served by the same server: /health/ (no session, one
    SELECT 1) and /bench/floor/, a trivial signed-in view (session and user loaded through the
    whole middleware stack, nothing else). The ratio that counts is against the signed-in one.
    Without `pages_too`, only the two floors."""
    health = percentiles(timed_gets(base, "/health/", None, REQUESTS))
    health["queries"] = 1
    floor_cookie = session_cookie("skala-controller")
    floor = percentiles(timed_gets(base, "/bench/floor/", floor_cookie, REQUESTS))
    floor["queries"] = query_count("/bench/floor/", "skala-controller")
    pages = {}
    for target in targets.PAGES if pages_too else []:
        path = resolve(target)
        if path is None:
            pages[target.name] = {**SKIPPED, "url_name": target.url_name}
            continue
        username = target.username()
        figures = percentiles(timed_gets(base, path, session_cookie(username), REQUESTS))
        figures["queries"] = query_count(path, username)
        figures["ratio_p50"] = ratio(figures["p50_ms"], floor["p50_ms"])
        figures["ratio_p95"] = ratio(figures["p95_ms"], floor["p95_ms"])
        figures["path"] = path
        figures["user"] = username
        pages[target.name] = figures
    return health, floor, pages


# --- indicators against a hand-written aggregate ---------------------------------------------

# Every programme indicator (DOMAIN.md), written by hand the way PostgreSQL does it fastest:
# the last exit by DISTINCT ON, re-entry and follow-up as semi-joins, pause days summed once.
HAND_SQL = """
WITH enrolled AS (
    SELECT c.id, c.phase1_start, c.phase2_start FROM participants_citizen c
    WHERE EXISTS (SELECT 1 FROM participants_visitation v WHERE v.citizen_id = c.id
                  AND v.status = 'accepted' AND v.proposed_on <= %(end)s)
), last_exit AS (
    SELECT DISTINCT ON (citizen_id) id, citizen_id, exit_date, status, not_available_reason
    FROM participants_exitform WHERE exit_date <= %(end)s
    ORDER BY citizen_id, exit_date DESC, id DESC
), gone AS (
    SELECT e.*, c.phase1_start, c.phase2_start
    FROM last_exit e JOIN enrolled c ON c.id = e.citizen_id
    WHERE NOT EXISTS (SELECT 1 FROM participants_visitation v WHERE v.citizen_id = e.citizen_id
                      AND v.status = 'accepted' AND v.proposed_on > e.exit_date
                      AND v.proposed_on <= %(end)s)
), paused AS (
    SELECT g.id, sum(LEAST(COALESCE(p."end" + 1, g.exit_date), g.exit_date)
                     - GREATEST(p.start, g.phase1_start)) AS days
    FROM gone g JOIN participants_pause p ON p.citizen_id = g.citizen_id
    WHERE p.start < g.exit_date AND (p."end" IS NULL OR p."end" >= g.phase1_start)
    GROUP BY g.id
), employed_2y AS (
    SELECT DISTINCT f.exit_id FROM participants_followup f
    WHERE f.kind = '2y' AND f.followed_up_on <= %(end)s AND f.status LIKE 'employed%%'
), citizens AS (
    SELECT (SELECT count(*) FROM enrolled) AS p01,
           count(*) FILTER (WHERE g.phase2_start <= g.exit_date
                            OR g.exit_date - g.phase1_start >= 182 + COALESCE(pa.days, 0)
                            OR g.status LIKE 'employed%%' OR g.status = 'education') AS p02,
           count(*) FILTER (WHERE g.status LIKE 'employed%%') AS p03,
           count(*) FILTER (WHERE g.status = 'education') AS p04,
           count(*) FILTER (WHERE g.status = 'unemployed') AS p05,
           count(*) FILTER (WHERE g.status = 'not_available') AS p06,
           count(*) FILTER (WHERE g.status = 'not_available'
                            AND g.not_available_reason = 'deceased') AS p06a,
           (SELECT count(*) FROM enrolled) - count(*) AS p07,
           count(y.exit_id) AS p08
    FROM gone g LEFT JOIN paused pa ON pa.id = g.id LEFT JOIN employed_2y y ON y.exit_id = g.id
), companies AS (
    SELECT count(*) AS c01,
           count(*) FILTER (WHERE later.ebitda > entry.ebitda
                            AND c.entry_year <= %(year)s - 2) AS c02,
           count(*) FILTER (WHERE c.status = 'dropped_out' AND c.dropped_out_on <= %(end)s) AS c03
    FROM accelerator_company c
    LEFT JOIN accelerator_companyfinancial entry
           ON entry.company_id = c.id AND entry.year = c.entry_year
    LEFT JOIN accelerator_companyfinancial later
           ON later.company_id = c.id AND later.year = c.entry_year + 2
    WHERE c.role = 'accelerator' AND c.enrolled_cluster_id IS NOT NULL
      AND (c.entry_year IS NULL OR c.entry_year <= %(year)s)
)
SELECT citizens.*, companies.*,
       (SELECT count(*) FROM accelerator_camp WHERE NOT cancelled AND date <= %(end)s) AS c04
FROM citizens, companies
"""
HAND_SQL_CODES = ["P01", "P02", "P03", "P04", "P05", "P06", "P06a", "P07", "P08"]
HAND_SQL_CODES += ["C01", "C02", "C03", "C04"]


def best_of(function, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return min(samples)


def measure_indicators() -> dict:
    try:
        indicators = import_module("reporting.indicators")
    except ImportError:
        return SKIPPED
    from django.utils import timezone

    end = timezone.localdate()

    def hand() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, {"end": end, "year": end.year})
            return dict(zip(HAND_SQL_CODES, cursor.fetchone(), strict=True))

    computed = best_of(lambda: indicators.compute(end=end))
    floor = best_of(hand)
    values = {row.code: row.value for row in indicators.compute(end=end)}
    by_hand = hand()
    return {
        "compute_ms": ms(computed),
        "hand_sql_floor_ms": ms(floor),
        "ratio": ratio(computed, floor),
        "same_figures": values == by_hand,
        "values": values,
        **({} if values == by_hand else {"hand_sql_values": by_hand}),
    }


def _child(module: str, mode: str, path: str) -> dict:
    """One measurement in a fresh process (python -m MODULE MODE PATH), its JSON answer."""
    result = subprocess.run(
        [sys.executable, "-m", module, mode, path],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


def _best(module: str, mode: str, path: str, repeat: int) -> dict:
    """The fastest of `repeat` runs of a measurement, each in a fresh process."""
    return min((_child(module, mode, path) for _ in range(repeat)), key=_seconds)


def _against_floor(module: str, file_name: str, names: tuple[str, str], same: str, repeat: int):
    """A measurement (mode `names[0]`, which writes the file its floor reads) and its floor
    (mode "floor"), each the best of `repeat` fresh processes, with their ratios and whether
    the two made the same `same` (pages, rows)."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / file_name)
        measured = _best(module, names[0], path, repeat)
        floor = _best(module, "floor", path, repeat)
    return {
        names[0]: measured,
        names[1]: floor,
        "ratio_seconds": ratio(measured["seconds"], floor["seconds"]),
        "ratio_peak_rss": ratio(measured["peak_rss_mb"], floor["peak_rss_mb"]),
        f"same_{same}": measured[same] == floor[same],
    }


def measure_pdf(repeat: int = 3) -> dict:
    """The final report PDF (time, peak memory) against WeasyPrint on the same HTML; each
    run in a fresh process, best of `repeat`."""
    module_name, _, function = targets.PDF_FUNCTION.rpartition(".")
    try:
        getattr(import_module(module_name), function)
    except (ImportError, AttributeError):
        return {**SKIPPED, "function": targets.PDF_FUNCTION}
    names = ("report", "weasyprint_floor")
    return _against_floor("tests.bench.pdf", "report.html", names, "pages", repeat)


def measure_xlsx(repeat: int = 2) -> dict:
    """The hours statement of the whole programme as XLSX, the largest export (time, peak
    memory), against openpyxl writing the same rows' values alone; fresh processes, best of
    `repeat`."""
    names = ("export", "openpyxl_floor")
    return _against_floor("tests.bench.xlsx", "rows.pickle", names, "rows", repeat)


def _seconds(figures: dict) -> float:
    return figures["seconds"]


# --- writes ----------------------------------------------------------------------------------


def timed_writes(save, count: int) -> list[float]:
    """`save(round)` posts one form (its page fetched first, not timed); three warm-up saves
    are not counted. Every save must succeed."""
    samples = []
    for round_ in range(count + 3):
        answer = checked(save(round_), "a save")
        if round_ >= 3:
            samples.append(answer.seconds)
    return samples


def _against(samples: list[float], floor: dict, **extra) -> dict:
    figures = percentiles(samples)
    figures["ratio_p50"] = ratio(figures["p50_ms"], floor["p50_ms"])
    figures["ratio_p95"] = ratio(figures["p95_ms"], floor["p95_ms"])
    return {**figures, **extra}


def measure_writes(base: str, floor: dict) -> dict:
    """The grid save, a citizen edit and a visitation proposal through the real server,
    each against the signed-in floor. What the writes change is put back."""
    from participants.models import Citizen

    writes: dict = {}
    actor = targets._an_actor()
    grid = GridSave(Browser(base, session_cookie(actor)))
    cells = []

    def save_grid(round_):
        answer, count = grid.save(round_)
        cells.append(count)
        return answer

    try:
        samples = timed_writes(save_grid, REQUESTS)
    finally:
        grid.restore()
        grid.browser.close()
    writes["hours grid save"] = _against(
        samples, floor, cells=max(cells), week=grid.week, user=actor
    )

    caseworker = targets._a_caseworker()
    user = User.objects.get(username=caseworker)
    citizen = Citizen.objects.for_user(user, write=True).order_by("pk").first()
    edit = CitizenEdit(Browser(base, session_cookie(caseworker)), citizen.pk)
    try:
        samples = timed_writes(lambda round_: edit.save(round_=round_), REQUESTS)
    finally:
        edit.restore()
        edit.browser.close()
    writes["citizen edit"] = _against(samples, floor, citizen=citizen.pk, user=caseworker)

    proposal = VisitationProposal(
        Browser(base, session_cookie(caseworker)), unused_cprs(REQUESTS + 3)
    )
    try:
        samples = timed_writes(proposal.save, REQUESTS)
    finally:
        proposal.remove_made()
        proposal.browser.close()
    writes["visitation proposal"] = _against(samples, floor, user=caseworker)
    return writes


def measure_upload(repeat: int = 2) -> dict:
    """The upload's two pages' work (read, preview, confirm) on 5,000 rows against COPY of
    the same rows into a temporary table of the hours table's shape; fresh processes."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "timer.csv")
        prepared = _child("tests.bench.upload", "prepare", path)
        measured = _best("tests.bench.upload", "upload", path, repeat)
        floor = _best("tests.bench.upload", "floor", path, repeat)
    return {
        "upload": measured,
        "copy_floor": floor,
        "ratio_seconds": ratio(measured["seconds"], floor["seconds"]),
        "same_rows": measured["rows"] == floor["rows"] == prepared["rows"],
        "user": prepared["user"],
    }


def measure_detection(repeat: int = 3) -> dict:
    """pbr's detection over every contract (one per municipality and cluster with
    citizens, made and rolled back in each process) against one SQL statement finding the
    same outcomes: each the best of `repeat` fresh processes, so neither alone pays for a
    cold start."""
    from django.utils import timezone

    # One day for both: the two may run on either side of midnight.
    day = timezone.localdate().isoformat()
    measured = _best("tests.bench.detection", "detect", day, repeat)
    floor = _best("tests.bench.detection", "floor", day, 3)
    return {
        "detection": measured,
        "sql_floor": floor,
        "ratio_seconds": ratio(measured["seconds"], floor["seconds"]),
        "same_outcomes": measured["digest"] == floor["digest"],
    }


# --- bounded load ----------------------------------------------------------------------------


def load(base: str, path: str, cookie: str | None) -> dict:
    """LOAD_USERS threads, each its own keep-alive connection, for LOAD_SECONDS."""
    import http.client

    parts = urlsplit(base)
    deadline = time.perf_counter() + LOAD_SECONDS
    lock = threading.Lock()
    samples: list[float] = []
    errors = [0]
    headers = {"Cookie": cookie} if cookie else {}

    def user():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                else:
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.close()
        with lock:
            samples.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=user) for _ in range(LOAD_USERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    figures = percentiles(samples) if samples else {}
    return {
        **figures,
        "users": LOAD_USERS,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "errors": errors[0],
        "requests_per_s": round(len(samples) / elapsed, 1),
    }


def mixed_load(base: str, floor: dict) -> dict:
    """LOAD_USERS users split across the roles' journeys (tests/bench/mixed.py), against the
    signed-in floor's load in the same run; what they changed is put back afterwards."""
    from django.db.models import Count

    from participants.hours.models import HoursEntry
    from participants.models import Citizen

    counts = mixed.split(LOAD_USERS)
    week = grid_week()

    def busiest(field: str, limit: int) -> list:
        rows = Citizen.objects.values(field).annotate(n=Count("pk")).order_by("-n", field)
        return [row[field] for row in rows[:limit] if row[field] is not None]

    actors = busiest("employment_actor_id", mixed.ACTOR_ACCOUNTS)
    municipalities = busiest("municipality_id", 10)
    words = {
        m: sorted({c.first_name for c in Citizen.objects.filter(municipality_id=m)[:20]})
        for m in municipalities
    }
    pages = {name: reverse(url_name) for name, url_name in mixed.CONTROLLER_PAGES.items()}
    users = {
        "caseworker": [
            (
                session_cookie(f"skala-sagsbehandler-{m}"),
                {"words": words[m]},
            )
            for m in (municipalities[i % len(municipalities)] for i in range(counts["caseworker"]))
        ],
        "actor": [
            (session_cookie(f"skala-aktoer-{actors[i % len(actors)]}"), {"week": week})
            for i in range(counts["actor"])
        ],
        "controller": [
            (session_cookie("skala-controller"), {"pages": pages})
            for _i in range(counts["controller"])
        ],
    }
    # What the journeys change: the actors' week, and the phone numbers of the caseworkers'
    # citizens.
    week_hours = HoursEntry.objects.filter(
        citizen__employment_actor_id__in=actors, week_start=parse_iso_week(week)
    )
    hours = list(week_hours)
    touched = Citizen.objects.filter(municipality_id__in=municipalities)
    versions = dict(touched.values_list("pk", "version"))
    phones = {c.pk: c.phone for c in touched.only("pk", "phone")}
    try:
        figures = mixed.run(base, users, LOAD_SECONDS)
    finally:
        with transaction.atomic():
            week_hours.delete()
            HoursEntry.objects.bulk_create(hours)
            for pk, version in touched.values_list("pk", "version"):
                if version != versions[pk]:
                    Citizen.objects.filter(pk=pk).update(phone=phones[pk])
    for step in figures["steps"].values():
        step["ratio_p95"] = ratio(step["p95_ms"], floor["p95_ms"])
    figures["ratio_requests_per_s"] = ratio(floor["requests_per_s"], figures["requests_per_s"])
    return figures


# The parts of a run, in order; BENCH_ONLY=mixed (or a comma-separated list) runs only those.
PARTS = (
    *("seed", "indicators", "pdf", "xlsx", "pages", "writes"),
    *("load", "mixed", "upload", "detection"),
)


def wanted(part: str, only: str | None = None) -> bool:
    """Whether BENCH_ONLY (every part when unset or empty) names `part`."""
    only = os.environ.get("BENCH_ONLY", "") if only is None else only
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = names - set(PARTS)
    if unknown:
        raise SystemExit(f"BENCH_ONLY names no part {sorted(unknown)}; the parts: {PARTS}")
    return not names or part in names


def main() -> None:
    seeding = json.loads(os.environ.get("BENCH_SEEDING", "{}"))
    result: dict = {"database": connection.settings_dict["NAME"]}
    if wanted("seed"):
        result["seed_scale_vs_copy"] = copy_floor(seeding)
    if wanted("indicators"):
        result["indicators_vs_hand_sql"] = measure_indicators()
    if wanted("pdf"):
        result["final_report_pdf_vs_weasyprint"] = measure_pdf()
    if wanted("xlsx"):
        result["hours_xlsx_vs_openpyxl"] = measure_xlsx()
    result["writes"] = {}
    load_on = os.environ.get("BENCH_LOAD", "1") == "1" and LOAD_SECONDS > 0
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "DB_CONN_MAX_AGE": "60"}
    # The production server's settings (worker class, keep-alive, time-outs), its size fixed
    # so that runs on different machines compare.
    server = {"workers": 2, "threads": 16, "config": "python:siv.gunicorn_conf"}
    with django_server(env, "tests.bench.settings", **server) as base:
        health, floor, pages = measure_pages(base, wanted("pages"))
        result["floor_health"] = health
        result["floor_signed_in"] = floor
        if wanted("pages"):
            result["pages"] = pages
        if wanted("writes"):
            result["writes"] = measure_writes(base, floor)
        if load_on and (wanted("load") or wanted("mixed")):
            result["load"] = {}
            if wanted("load"):
                trivial = load(base, "/health/", None)
                page = load(base, "/partnerskaber/", session_cookie("skala-controller"))
                result["load"]["floor_health"] = trivial
                result["load"]["partnership_list"] = page
                result["load"]["ratio_requests_per_s"] = ratio(
                    trivial["requests_per_s"], page["requests_per_s"]
                )
            # The mixed load's floor: the signed-in floor page under the same load.
            signed_in = load(base, "/bench/floor/", session_cookie("skala-controller"))
            result["load"]["floor_signed_in"] = signed_in
            if wanted("mixed"):
                result["load"]["mixed"] = mixed_load(base, signed_in)
    if wanted("upload"):
        result["writes"]["hours upload (5,000 rows)"] = measure_upload()
    # Outcome detection, three times and its floor three times: BENCH_DETECTION=0 leaves it out.
    detection = "outcome detection (whole programme)"
    if wanted("detection") and os.environ.get("BENCH_DETECTION", "1") == "1":
        result["writes"][detection] = measure_detection(repeat=3)
    elif wanted("detection"):
        result["writes"][detection] = {"skipped": "BENCH_DETECTION=0"}
    result["targets"] = targets.verdicts(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
