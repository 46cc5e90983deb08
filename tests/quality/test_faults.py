"""What users see when a service is down: pages keep answering without Redis, a job fails
cleanly and works again once Redis is back; without the database a friendly 503 page, and
pages come back by themselves once the database does. A worker killed mid-report costs a
retry, never a lost or doubled report."""

import hashlib
import os
import shutil
import signal
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client, override_settings
from kombu.exceptions import OperationalError as BrokerError
from pypdf import PdfReader

from reporting import services, tasks
from reporting.models import JobStatus, ReportArtifact, ReportFormat, ReportJob, ReportKind
from reporting.selectors import ReportParams
from siv.celery import app as celery_app

from .servers import (
    RedisServer,
    TcpProxy,
    celery_worker,
    child_pids,
    database_address,
    database_url,
    django_server,
    get,
    gunicorn_server,
)

TASK = "siv.tasks.purge_audit_log"


def send_job(broker_url: str) -> None:
    with celery_app.connection_for_write(broker_url) as connection:
        celery_app.send_task(TASK, connection=connection, retry=False)


def queued(broker_url: str) -> int:
    import redis

    return redis.Redis.from_url(broker_url).llen("celery")


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db
def test_pages_answer_and_jobs_fail_cleanly_while_redis_is_down(client, private_redis):
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    with override_settings(CACHES=redis_cache, CELERY_BROKER_URL=private_redis.url):
        caches["default"].close()
        send_job(private_redis.url)
        assert queued(private_redis.url) == 1

        private_redis.stop()

        assert client.get("/login/").status_code == 200
        assert client.get("/health/").status_code == 200
        with pytest.raises(BrokerError):
            send_job(private_redis.url)

        private_redis.start()

        send_job(private_redis.url)
        assert queued(private_redis.url) == 1  # a fresh server: only the new job
        caches["default"].close()


CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/siv"


def test_without_the_database_pages_answer_the_friendly_503_page():
    with django_server({"DATABASE_URL": CLOSED_DATABASE, "DB_CONN_MAX_AGE": "0"}) as base:
        pages = {
            "health": get(f"{base}/health/"),
            # A session cookie makes the middleware (not a view) reach for the database.
            "signed-in start page": get(f"{base}/", {"Cookie": f"sessionid={'x' * 32}"}),
        }

    for name, (status, body) in pages.items():
        assert status == 503, f"{name}: {status}\n{body[:500]}"
        assert "SIV er midlertidigt utilgængelig" in body, name
        assert "Traceback" not in body and "OperationalError" not in body, name


# --- A worker killed mid-report ---------------------------------------------------------------

POLL = 0.05  # seconds: a final report builds in a few seconds; RUNNING must not slip by


def watch_job(job_id: int, until: set[str], seen: list[str], timeout: float) -> ReportJob:
    """Poll the job until its status is one of `until`; every status change goes to `seen`."""
    deadline = time.monotonic() + timeout
    while True:
        job = ReportJob.objects.get(pk=job_id)
        if not seen or seen[-1] != job.status:
            seen.append(job.status)
        if job.status in until:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} never reached {sorted(until)}; statuses seen: {seen}")
        time.sleep(POLL)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_report_finishes_the_job_exactly_once(
    personas, private_redis, tmp_path, monkeypatch
):
    queue = f"test-faults-{uuid.uuid4().hex[:8]}"
    # A private media folder: every file in it is this job's.
    var_dir = tmp_path / "var"
    media = var_dir / "test-media"
    log_path = tmp_path / "worker.log"
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": private_redis.url,
        "SIV_VAR_DIR": str(var_dir),
        # The redelivered message meets the killed run's last sign of life: it asks again
        # once that run has been silent for the stale limit.
        "SIV_JOB_HEARTBEAT_SECONDS": "1",
        "SIV_JOB_STALE_SECONDS": "3",
    }

    def send(job_id: int) -> None:
        with celery_app.connection_for_write(private_redis.url) as connection:
            tasks.run_report_job.apply_async((job_id,), queue=queue, connection=connection)

    # job_create() queues through .delay() on commit; here .delay() goes to the test's queue.
    monkeypatch.setattr(tasks.run_report_job, "delay", send)

    seen: list[str] = []
    with celery_worker(env, queue, log_path) as worker:
        job = services.job_create(
            by=personas.controller,
            kind=ReportKind.FINAL,
            fmt=ReportFormat.PDF,
            params=ReportParams(),
        )
        first_run = watch_job(job.pk, {JobStatus.RUNNING, JobStatus.DONE}, seen, timeout=30)
        assert first_run.status == JobStatus.RUNNING, "the job was done before it could be killed"
        pool = child_pids(worker.pid)
        assert len(pool) == 1, f"one pool child expected, found {pool}"
        os.kill(pool[0], signal.SIGKILL)

        job = watch_job(job.pk, {JobStatus.DONE, JobStatus.FAILED}, seen, timeout=45)
        assert worker.poll() is None, "the worker itself must survive the loss of its child"
    log = log_path.read_text(errors="replace")

    assert JobStatus.FAILED not in seen, f"statuses seen: {seen}\n{log[-3000:]}"
    assert f"Report job {job.pk} failed" not in log, log[-3000:]
    assert job.status == JobStatus.DONE, job.error
    # The message came back and ran again: the second run stamped its own start.
    assert job.started_at > first_run.started_at, "the killed run was not redelivered"

    artifacts = list(ReportArtifact.objects.filter(job=job))
    assert len(artifacts) == 1
    artifact = artifacts[0]
    files = sorted(path for path in media.rglob("*") if path.is_file())
    assert files == [media / artifact.file.name], files
    content = files[0].read_bytes()
    assert len(content) == artifact.size
    assert hashlib.sha256(content).hexdigest() == artifact.sha256
    reader = PdfReader(files[0])
    assert len(reader.pages) >= 1
    assert "Slutrapport" in "".join(page.extract_text() for page in reader.pages)


# --- The database restarted -------------------------------------------------------------------

UNAVAILABLE = "SIV er midlertidigt utilgængelig"


def assert_unavailable(name: str, answer: tuple[int, str]) -> None:
    status, body = answer
    assert status == 503, f"{name}: {status}\n{body[:500]}"
    assert UNAVAILABLE in body, name
    assert "Traceback" not in body and "OperationalError" not in body, name


@pytest.fixture
def database_proxy():
    proxy = TcpProxy(database_address())
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.mark.django_db(transaction=True)
def test_after_a_database_restart_pages_recover_without_restarting_the_app(
    personas, database_proxy
):
    # A committed session row, which the server reads through the proxy.
    client = Client()
    client.force_login(personas.caseworker)
    cookie_name = django_settings.SESSION_COOKIE_NAME
    signed_in = {"Cookie": f"{cookie_name}={client.cookies[cookie_name].value}"}
    env = {"DATABASE_URL": database_url(port=database_proxy.port), "DB_CONN_MAX_AGE": "60"}

    # One thread, hence one persistent connection: whether the first request after a
    # restart meets a dead connection does not depend on which thread takes it.
    with gunicorn_server(env, threads=1) as server:
        start_page = f"{server.url}/"
        status, body = get(start_page, signed_in)
        assert status == 200, body[:500]
        assert database_proxy.open_connections >= 1, "no persistent connection to cut"
        workers = child_pids(server.process.pid)
        assert workers, "gunicorn has no worker process"

        database_proxy.stop()
        assert_unavailable("signed-in start page", get(start_page, signed_in))
        assert_unavailable("health", get(f"{server.url}/health/"))

        database_proxy.start()
        status, body = get(start_page, signed_in)
        assert status == 200, f"not back after the database came back: {status}\n{body[:500]}"

        # A restart between two requests leaves the server holding a dead persistent
        # connection; CONN_HEALTH_CHECKS replaces it before the first query, so even the
        # first request after the restart answers.
        connections_before = database_proxy.accepted
        database_proxy.stop()
        database_proxy.start()
        status, body = get(start_page, signed_in)
        assert status == 200, f"first request after a restart: {status}\n{body[:500]}"
        assert database_proxy.accepted > connections_before, "the server did not reconnect"

        assert server.process.poll() is None
        assert child_pids(server.process.pid) == workers, "gunicorn restarted its worker"


# --- The broker down ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_an_order_is_kept_and_the_api_answers(personas):
    """A real server whose REDIS_URL names a Redis that does not answer (the broker and the
    cache): ordering a report is kept and the user told, and the API answers, never a 500."""
    import requests

    from siv_api.services import token_issue

    client = Client()
    client.force_login(personas.controller)
    cookie = django_settings.SESSION_COOKIE_NAME
    token = token_issue(user=personas.caseworker).key
    env = {"DATABASE_URL": database_url(), "REDIS_URL": "redis://127.0.0.1:9/0"}
    with gunicorn_server(env) as server, requests.Session() as browser:
        browser.cookies.set(cookie, client.cookies[cookie].value)
        form = browser.get(f"{server.url}/rapporter/eksport/", timeout=30)
        assert form.status_code == 200
        ordered = browser.post(
            f"{server.url}/rapporter/eksport/",
            data={
                "kind": "indicators",
                "format": "csv",
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            headers={"Referer": f"{server.url}/rapporter/eksport/"},
            timeout=60,
        )
        api = requests.get(
            f"{server.url}/api/participants/",
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
    assert ordered.status_code == 200, ordered.text[:500]
    assert "Jobkøen svarer ikke lige nu. Bestillingen er gemt" in ordered.text
    job = ReportJob.objects.get()
    assert (job.status, job.sent_at) == (JobStatus.QUEUED, None)
    assert api.status_code == 200, api.text[:500]


# --- The whole worker killed, Redis emptied: the sweep finishes every job ---------------------


def _queue_to(monkeypatch, redis_url: str) -> str:
    """The app's .delay() (job_create and the sweep) sends to a queue of the test's own."""
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"

    def send(job_id: int) -> None:
        with celery_app.connection_for_write(redis_url) as connection:
            tasks.run_report_job.apply_async((job_id,), queue=queue, connection=connection)

    monkeypatch.setattr(tasks.run_report_job, "delay", send)
    return queue


def _worker_env(redis_url: str, var_dir) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "SIV_VAR_DIR": str(var_dir),
        "SIV_JOB_HEARTBEAT_SECONDS": "1",
        "SIV_JOB_STALE_SECONDS": "3",
    }


def _sweep_until_done(job_ids: list[int], timeout: float = 90) -> list[ReportJob]:
    """The beat's sweep, every second, until every job is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        services.jobs_sweep()
        jobs = list(ReportJob.objects.filter(pk__in=job_ids).order_by("pk"))
        if all(job.is_finished for job in jobs):
            return jobs
        time.sleep(1)
    pytest.fail(f"not finished: {[(job.pk, job.status) for job in jobs]}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_outright_mid_job_is_replaced_and_the_job_done_once(
    personas, private_redis, tmp_path, monkeypatch, settings
):
    """kill -9 of the whole worker: its message stays unacknowledged in Redis for the
    visibility timeout (an hour); the job's silence tells the sweep within seconds."""
    settings.SIV_JOB_STALE_SECONDS = 3
    queue = _queue_to(monkeypatch, private_redis.url)
    env = _worker_env(private_redis.url, tmp_path / "var")
    seen: list[str] = []
    with celery_worker(env, queue, tmp_path / "first.log") as worker:
        job = services.job_create(
            by=personas.controller,
            kind=ReportKind.FINAL,
            fmt=ReportFormat.PDF,
            params=ReportParams(),
        )
        first = watch_job(job.pk, {JobStatus.RUNNING, JobStatus.DONE}, seen, timeout=30)
        assert first.status == JobStatus.RUNNING, "the job was done before it could be killed"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    with celery_worker(env, queue, tmp_path / "second.log"):
        [job] = _sweep_until_done([job.pk])
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 2
    media = tmp_path / "var" / "test-media"
    files = sorted(path for path in media.rglob("*") if path.is_file())
    assert [artifact.file.name for artifact in ReportArtifact.objects.filter(job=job)] == [
        str(files[0].relative_to(media))
    ] and len(files) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_jobs_queued_when_redis_restarts_empty_are_sent_again_and_done(
    personas, private_redis, tmp_path, monkeypatch, settings
):
    settings.SIV_JOB_RESEND_SECONDS = 0
    queue = _queue_to(monkeypatch, private_redis.url)
    jobs = [
        services.job_create(
            by=personas.controller,
            kind=ReportKind.INDICATORS,
            fmt=ReportFormat.CSV,
            params=ReportParams(),
        )
        for _ in range(3)
    ]
    assert all(job.sent_at for job in ReportJob.objects.all())
    private_redis.stop()  # it keeps nothing on disk: the three messages are gone
    private_redis.start()
    with celery_worker(_worker_env(private_redis.url, tmp_path / "var"), queue, tmp_path / "w.log"):
        finished = _sweep_until_done([job.pk for job in jobs])
    assert [job.status for job in finished] == [JobStatus.DONE] * 3
    assert ReportArtifact.objects.count() == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_database_connections_cut_mid_job_leave_no_stuck_job_and_no_orphan_file(
    personas, private_redis, tmp_path, monkeypatch
):
    from django.db import connection

    queue = _queue_to(monkeypatch, private_redis.url)
    env = _worker_env(private_redis.url, tmp_path / "var")
    seen: list[str] = []
    with celery_worker(env, queue, tmp_path / "w.log"):
        job = services.job_create(
            by=personas.controller,
            kind=ReportKind.FINAL,
            fmt=ReportFormat.PDF,
            params=ReportParams(),
        )
        watch_job(job.pk, {JobStatus.RUNNING, JobStatus.DONE}, seen, timeout=30)
        with connection.cursor() as cursor:  # every connection of the worker, as a restart
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        job = watch_job(job.pk, {JobStatus.DONE, JobStatus.FAILED}, seen, timeout=60)
    log = (tmp_path / "w.log").read_text(errors="replace")
    assert job.status == JobStatus.DONE, f"{job.error}\n{log[-3000:]}"
    media = tmp_path / "var" / "test-media"
    files = [path for path in media.rglob("*") if path.is_file()]
    assert [str(path.relative_to(media)) for path in files] == [job.artifact.file.name]
