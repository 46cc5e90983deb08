"""gunicorn's settings (`gunicorn --config python:siv.gunicorn_conf`).

The access log names the method and the path, never the query string or the referring
page: either may hold a name or a CPR number searched for. So `%(r)s` (the request line),
`%(q)s` (the query string) and `%(f)s` (the referer) are left out.
"""

from gunicorn import glogging

from siv.log_filters import StripQueryStrings

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class Logger(glogging.Logger):
    """gunicorn's logger; its error log (which names a failed request's URL) strips query
    strings too."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(StripQueryStrings())
        self.access_log.addFilter(StripQueryStrings())


logger_class = Logger
