"""What users see when a service is down: pages keep answering without Redis, a job fails
cleanly and works again once Redis is back; without the database a friendly 503 page."""

import shutil

import pytest
from django.core.cache import caches
from django.test import override_settings
from kombu.exceptions import OperationalError as BrokerError

from siv.celery import app as celery_app

from .servers import RedisServer, django_server, get

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
