"""Real servers for the quality tests: a Django server on a free loopback port, a private
redis-server, a Celery worker, a TCP proxy in front of the database. Never the shared
services themselves."""

from __future__ import annotations

import http.client
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings

PORTS = range(8110, 8120)


def bound_socket(candidates=PORTS) -> socket.socket:
    """A loopback TCP socket bound to the first free candidate port, else to any free port.

    Held rather than closed, so no other process (pytest-xdist runs several servers side by
    side) can take the port before the server it is meant for has it.
    """
    for port in candidates:
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        return sock
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def restartable_ports(count: int = 20) -> list[int]:
    """Random candidate ports for a server that stops and starts again on its port.

    Random, from a wide range, so that no other test picks the port while the server is
    stopped (a sequential scan would pick it first); below Linux's ephemeral range (32768
    and up), so no outgoing connection takes it either. SystemRandom: a seeded `random`
    would give every pytest-xdist worker the same ports.
    """
    return random.SystemRandom().sample(range(20000, 32000), count)


def free_port(candidates=PORTS) -> int:
    """A port that was free a moment ago (for servers that cannot take a bound socket)."""
    with closing(bound_socket(candidates)) as sock:
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(socket.socket()) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its base URL and its master process."""

    url: str
    process: subprocess.Popen


@contextmanager
def gunicorn_server(
    env: dict[str, str],
    settings_module: str = "siv.settings_test",
    *,
    workers: int = 1,
    threads: int = 4,
    app: str = "siv.wsgi:application",
    config: str | None = None,
) -> Iterator[Server]:
    """gunicorn (as in production) on a free loopback port, serving SIV or `app`; with
    `config` (e.g. "python:siv.gunicorn_conf"), that configuration's settings, the workers
    and threads given here overriding its own.

    gunicorn inherits a socket this process has bound: with only a port number, two servers
    started at once may pick the same port, and a test would talk to the other one.
    """
    listener = bound_socket()
    port = listener.getsockname()[1]
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **env}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            *(["--config", config] if config else []),
        ],
        cwd=settings.BASE_DIR,
        env=full_env,
        # Nothing reads its log: a pipe would fill under load and stall the server.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(listener.fileno(),),
    )
    listener.close()  # gunicorn has its own copy; it listens once it is ready
    try:
        wait_for_port(port)
        yield Server(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def django_server(
    env: dict[str, str],
    settings_module: str = "siv.settings_test",
    *,
    workers: int = 1,
    threads: int = 4,
    config: str | None = None,
) -> Iterator[str]:
    """gunicorn (as in production) on a free loopback port; yields its base URL."""
    with gunicorn_server(
        env, settings_module, workers=workers, threads=threads, config=config
    ) as server:
        yield server.url


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Status and body of one GET, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        connection.request("GET", parts.path or "/", headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def ensure_redis(url: str) -> None:
    """Start the Redis server that `url` names (on this machine) when it does not answer:
    `make test` needs no service running beforehand. It keeps nothing on disk and runs on
    after the tests, as a service would."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    client = redis.Redis(host=host, port=port, socket_connect_timeout=1)
    try:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            pass
        if shutil.which("redis-server") is None:
            raise RuntimeError(f"Redis does not answer at {host}:{port} and is not installed")
        subprocess.run(
            [
                "redis-server",
                *("--daemonize", "yes", "--bind", host, "--port", str(port)),
                *("--save", "", "--appendonly", "no", "--dir", tempfile.gettempdir()),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        client.close()


class RedisServer:
    """A private redis-server on its own port, in a temporary directory."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port(restartable_ports())
        self.process: subprocess.Popen | None = None
        self._started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on self.port. redis-server cannot take a bound socket, so another test may
        start a server on the same port at the same moment: on a first start the loser
        moves to another free port; a restart keeps its port (the tests hold its URL)."""
        for _attempt in range(5):
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.workdir),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._answers():
                self._started = True
                return
            self.process.kill()
            self.process.wait()
            self.process = None
            if self._started:
                raise RuntimeError(f"port {self.port} was taken while redis-server was stopped")
            self.port = free_port(restartable_ports())
        raise RuntimeError("no free port for redis-server")

    def _answers(self, timeout: float = 30) -> bool:
        """Whether this server, not another one on the same port, answers there."""
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    return False  # it could not bind the port
                try:
                    return client.info("server")["process_id"] == self.process.pid
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        raise TimeoutError(f"redis-server does not answer on 127.0.0.1:{self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def database_url(port: int | None = None, name: str | None = None, user: str | None = None) -> str:
    """The URL of the test database (or of another on its server, or as another role), for a
    server or worker in another process; with a port, through a TcpProxy on that loopback
    port instead."""
    db = settings.DATABASES["default"]
    user = user or db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    if port:
        host = "127.0.0.1"
    else:
        # A Unix socket's folder (the embedded cluster) is the host, percent-encoded.
        host = urllib.parse.quote(db.get("HOST") or "127.0.0.1", safe="")
        port = db.get("PORT") or (None if host.startswith("%2F") else 5432)
    return f"postgres://{user}{password}@{host}{f':{port}' if port else ''}/{name or db['NAME']}"


def database_address() -> str | tuple[str, int]:
    """Where the test database listens: its Unix socket's path, or (host, port)."""
    db = settings.DATABASES["default"]
    host, port = db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


def child_pids(pid: int) -> list[int]:
    """The live children of a process, read from /proc (Linux).

    Not /proc/<pid>/task/<pid>/children: that lists only the children forked by the main
    thread, and Celery's pool forks its replacement children from a helper thread.
    """
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        # The fields after the command name (which may hold spaces): state, ppid, ...
        state, ppid = text.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            children.append(int(stat.parent.name))
    return sorted(children)


@contextmanager
def celery_worker(
    env: dict[str, str],
    queue: str,
    log_path: Path,
    settings_module: str = "siv.settings_test",
    *,
    pool: str = "prefork",
    concurrency: int = 1,
) -> Iterator[subprocess.Popen]:
    """A real Celery worker consuming only `queue`; its output goes to log_path. The prefork
    pool runs tasks in child processes that a test can kill; solo runs them in the worker."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **env}
    pool_options = [f"--pool={pool}"]
    if pool == "prefork":
        pool_options.append(f"--concurrency={concurrency}")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "siv",
                "worker",
                *pool_options,
                "-Q",
                queue,
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that no pool child outlives the test.
            start_new_session=True,
        )
    try:
        yield process
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        # A worker that did not stop in time, and any pool child left behind, end here; an
        # empty group (the usual case after a clean stop) is already what we want.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class TcpProxy:
    """A TCP relay, in a thread of the test process, from a loopback port to `upstream`
    (a (host, port) pair, or the path of a Unix socket).

    stop() closes the listening socket and every relayed connection, as a database restart
    does to its clients; start() listens again on the same port, like the restarted server.
    """

    def __init__(self, upstream: str | tuple[str, int]):
        self.upstream = upstream
        self.port: int | None = None  # chosen on the first start, kept on every restart
        self.accepted = 0
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def open_connections(self) -> int:
        return len(self._pairs) // 2

    def start(self) -> None:
        if self.port is None:
            listener = bound_socket(restartable_ports())
            self.port = listener.getsockname()[1]
        else:
            listener = socket.socket()
            # The relayed connections of the last run linger in TIME_WAIT on this port.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._relay, args=(listener,), name=f"tcp-proxy-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Returns once the port and all relayed connections are closed."""
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            raise RuntimeError(f"the proxy on port {self.port} did not stop")
        self._thread = None

    def _relay(self, listener: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        try:
            while not self._stopping.is_set():
                for key, _events in selector.select(timeout=0.05):
                    if key.fileobj is listener:
                        self._accept(listener, selector)
                    else:
                        self._forward(key.fileobj, selector)
        finally:
            for sock in self._pairs:
                sock.close()
            self._pairs.clear()
            selector.close()
            listener.close()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector) -> None:
        client, _address = listener.accept()
        try:
            if isinstance(self.upstream, str):
                upstream = socket.socket(socket.AF_UNIX)
                upstream.settimeout(5)
                upstream.connect(self.upstream)
            else:
                upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()  # the client sees the unreachable upstream as a closed connection
            return
        upstream.settimeout(None)
        self.accepted += 1
        self._pairs[client], self._pairs[upstream] = upstream, client
        selector.register(client, selectors.EVENT_READ)
        selector.register(upstream, selectors.EVENT_READ)

    def _forward(self, sock: socket.socket, selector: selectors.BaseSelector) -> None:
        peer = self._pairs.get(sock)
        if peer is None:  # its pair was closed earlier in this round
            return
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
        except OSError:  # a reset ends the pair, as end of file does
            data = b""
        if not data:
            for end in (sock, peer):
                selector.unregister(end)
                del self._pairs[end]
                end.close()
