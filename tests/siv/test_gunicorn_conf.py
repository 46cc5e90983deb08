"""gunicorn's production settings (siv/gunicorn_conf.py), which docker-compose's web server and
`make bench` run with: threaded workers, and kept-alive connections that stay open longer
than a client or proxy waits before reusing one."""

import http.client
import importlib
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from gunicorn.config import Config

from siv import gunicorn_conf
from tests.quality.servers import database_url, gunicorn_server

NGINX_UPSTREAM_KEEPALIVE_TIMEOUT = 60


def loaded(module) -> Config:
    """The settings as gunicorn reads them from a python: config."""
    cfg = Config()
    for name in dir(module):
        if name in cfg.settings:
            cfg.set(name, getattr(module, name))
    return cfg


def test_workers_are_threaded_and_keep_connections_longer_than_a_proxy_does():
    cfg = loaded(gunicorn_conf)
    assert cfg.worker_class_str == "gthread"
    assert cfg.keepalive > NGINX_UPSTREAM_KEEPALIVE_TIMEOUT
    assert cfg.timeout == 60


def test_the_environment_sizes_the_server(monkeypatch):
    monkeypatch.setenv("SIV_WEB_WORKERS", "5")
    monkeypatch.setenv("SIV_WEB_THREADS", "12")
    try:
        cfg = loaded(importlib.reload(gunicorn_conf))
        assert (cfg.workers, cfg.threads) == (5, 12)
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)
    assert (gunicorn_conf.workers, gunicorn_conf.threads) == (3, 8)


def test_docker_compose_leaves_the_server_settings_to_the_config():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    assert command[command.index("--config") + 1] == "python:siv.gunicorn_conf"
    assert not {"--workers", "-w", "--threads", "--timeout", "--keep-alive"} & set(command)


@pytest.mark.django_db(transaction=True)
def test_a_request_after_a_pause_on_a_kept_alive_connection_is_answered():
    """A client that reads a page for a few seconds and then sends its next request on the
    same connection (a browser posting a form, a proxy reusing its upstream connection) gets
    an answer, not a closed socket: gunicorn's own default keep-alive, 2 s, closes it first."""
    env = {"DATABASE_URL": database_url()}
    with gunicorn_server(env, config="python:siv.gunicorn_conf") as server:
        port = int(server.url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            for pause in (0, 4):
                time.sleep(pause)
                connection.request("GET", "/health/")
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                assert response.getheader("Connection", "").lower() != "close"
        finally:
            connection.close()
