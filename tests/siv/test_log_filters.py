"""No log line carries a query string (which may hold a name or a CPR number searched for)."""

import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from siv import gunicorn_conf
from siv.log_filters import StripQueryStrings, strip_query_strings

CPR = "1506851234"


def test_query_strings_are_stripped_from_paths_and_urls():
    assert (
        strip_query_strings(f'"GET /deltagere/?q={CPR}&side=2 HTTP/1.1" 200')
        == '"GET /deltagere/ HTTP/1.1" 200'
    )
    assert strip_query_strings("https://siv.example/deltagere/?q=Hansen x") == (
        "https://siv.example/deltagere/ x"
    )
    assert strip_query_strings("Not Found: /deltagere/42/") == "Not Found: /deltagere/42/"


def test_a_password_links_key_is_left_out():
    line = '"GET /konto/link/Zq3-x_9AbC/?utm=1 HTTP/1.1" 404'
    assert strip_query_strings(line) == '"GET /konto/link/…/ HTTP/1.1" 404'
    assert strip_query_strings("Not Found: /konto/link/Zq3-x_9AbC/") == (
        "Not Found: /konto/link/…/"
    )


@pytest.mark.parametrize("name", ["django.request", "django.server"])
def test_djangos_request_loggers_strip_query_strings(name, caplog):
    logger = logging.getLogger(name)
    assert any(isinstance(f, StripQueryStrings) for f in logger.filters)
    logger.addHandler(caplog.handler)  # django.server does not propagate to the root
    try:
        with caplog.at_level(logging.INFO, logger=name):
            logger.warning('"%s" %s %s', f"GET /deltagere/?q={CPR} HTTP/1.1", 404, 179)
    finally:
        logger.removeHandler(caplog.handler)
    assert caplog.records
    assert all(CPR not in record.getMessage() for record in caplog.records)
    assert '"GET /deltagere/ HTTP/1.1" 404 179' in caplog.text


def test_the_console_handler_strips_query_strings():
    console = logging.getLogger().handlers
    assert any(isinstance(f, StripQueryStrings) for handler in console for f in handler.filters), (
        settings.LOGGING
    )


@pytest.mark.django_db
def test_a_404_with_a_query_logs_no_query(client, admin_user, caplog):
    client.force_login(admin_user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/ingen-side/", {"q": CPR})
    assert "/ingen-side/" in caplog.text and CPR not in caplog.text


def test_gunicorns_access_log_names_no_query_and_no_referer():
    fmt = gunicorn_conf.access_log_format
    for placeholder in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{raw_uri}e", "{query_string}e"):
        assert placeholder not in fmt.lower()
    cfg = Config()
    cfg.set("access_log_format", fmt)
    logger = gunicorn_conf.Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/deltagere/?q={CPR}",
        "PATH_INFO": "/deltagere/",
        "QUERY_STRING": f"q={CPR}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://siv.example/deltagere/?q={CPR}",
        "REMOTE_ADDR": "10.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    line = fmt % logger.atoms(response, request, environ, timedelta(milliseconds=12))
    assert '"GET /deltagere/ HTTP/1.1" 200 512' in line
    assert CPR not in line


def test_gunicorn_runs_with_the_access_log_format():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert '"--config", "python:siv.gunicorn_conf"' in compose
    cfg = Config()
    cfg.set("logger_class", gunicorn_conf.logger_class)
    assert cfg.logger_class is gunicorn_conf.Logger
