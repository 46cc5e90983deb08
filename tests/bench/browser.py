"""A signed-in user of `make bench` over plain HTTP: one keep-alive connection, the session
and CSRF cookies, and the forms of a page read as a browser would send them."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status: int
    body: str
    location: str
    seconds: float


class Browser:
    def __init__(self, base: str, session_cookie: str, timeout: float = 60):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        name, _, value = session_cookie.partition("=")
        self.cookies = {name: value}
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, fields: list | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode([(name, value) for name, value in fields]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = self._connect()
            raise
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, text, response.getheader("Location") or "", seconds)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: list) -> Answer:
        return self.request("POST", path, fields)


class _Forms(HTMLParser):
    """Every <form method="post"> of a page: its action and the fields a browser would send
    (checked boxes only, each select's selected option, no buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = {"action": a.get("action", ""), "fields": [], "options": {}}
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if "disabled" in a:
            return  # a browser sends no disabled field
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self._select, self._selected, self._first_option = a["name"], None, None
            self._form["options"][a["name"]] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form["options"][self._select].append(value)
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([a["name"], ""])

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            self._form["fields"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            self._form["fields"].append([self._select, chosen or ""])
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def post_form(html: str, having: str) -> dict:
    """The page's post form with a field named `having` (or starting with it):
    {"action": ..., "fields": [[name, value], ...], "options": {select: [values]}}."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(name == having or name.startswith(having) for name, _v in form["fields"]):
            return form
    raise LookupError(f"no post form with a field {having!r}")


def set_fields(fields: list, values: dict) -> list:
    """The fields with `values` put in (replacing a field's value, or added)."""
    out, done = [], set()
    for name, value in fields:
        if name in values:
            if name in done:
                continue
            done.add(name)
            value = values[name]
        out.append([name, value])
    out.extend([name, value] for name, value in values.items() if name not in done)
    return out
