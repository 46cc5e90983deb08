"""gunicorn's settings (`gunicorn --config python:siv.gunicorn_conf`): docker-compose's web
server and `make bench`'s server run with them.

Threaded workers: a request waiting on the database holds a thread, not a process, so a slow
report does not hold up the pages behind it. Every thread keeps its own database connection
(DB_CONN_MAX_AGE), so SIV_WEB_WORKERS × SIV_WEB_THREADS must stay well under PostgreSQL's
max_connections (100 by default), with room for the Celery worker, beat and an operator.

The access log names the method and the path, never the query string or the referring
page: either may hold a name or a CPR number searched for. So `%(r)s` (the request line),
`%(q)s` (the query string) and `%(f)s` (the referer) are left out.
"""

import os

from gunicorn import glogging

from siv.log_filters import StripQueryStrings

worker_class = "gthread"
workers = int(os.environ.get("SIV_WEB_WORKERS") or 3)
threads = int(os.environ.get("SIV_WEB_THREADS") or 8)
# A worker that has not reported for this long is restarted (a thread's request may take
# longer: the worker's main loop reports between requests).
timeout = 60
# How long an idle kept-alive connection stays open: longer than any client or proxy keeps
# one before reusing it (nginx's upstream keepalive_timeout is 60 s). gunicorn's default, 2 s,
# closes connections a client is about to send on: the request meets a closed socket (a
# reset, a broken pipe) and the user gets an error for nothing. An idle connection costs a
# file descriptor, not a thread (at most worker_connections, 1,000, per worker).
keepalive = 75
# Connections waiting for a worker to accept them, beyond which the kernel refuses new ones.
backlog = 2048

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class Logger(glogging.Logger):
    """gunicorn's logger; its error log (which names a failed request's URL) strips query
    strings too."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(StripQueryStrings())
        self.access_log.addFilter(StripQueryStrings())


logger_class = Logger
