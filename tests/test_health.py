"""``GET /healthz``: 200 with the database reachable, 503 with a short reason (never a stack
trace) when it is not, and back to 200 by itself when the database returns."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from tests.conftest import PG_URL, free_port
from tests.conftest import test_config as lms_test_config

UNAVAILABLE = {"status": "unavailable", "reason": "database unreachable"}


class TcpProxy:
    """A TCP forwarder in front of PostgreSQL that can be cut (listener and every open
    connection) and restored on the same port, as a database restart or network cut would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and reset every open one."""
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
    sock.close()


def assert_unavailable(client) -> None:
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 10, "the health check must answer promptly"
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json == UNAVAILABLE
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "Error" not in body and len(body) < 200


def assert_healthy(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.fixture
def make_client():
    """``make_client(database_url)``: a client of an app on that database, disposed after."""
    apps = []

    def make(url: str):
        app = create_app(lms_test_config(SQLALCHEMY_DATABASE_URI=url))
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_healthz_ok(client):
    assert_healthy(client)


def sqlite_cut_then_back(make_client, tmp_path) -> None:
    folder = tmp_path / "not-mounted-yet"
    client = make_client(f"sqlite:///{folder / 'lms.sqlite3'}")
    assert_unavailable(client)
    assert_unavailable(client)  # still answering, still short
    folder.mkdir()  # the volume appears: no restart needed
    assert_healthy(client)


def postgresql_cut_then_back(make_client, _tmp_path) -> None:
    target = sa.engine.make_url(PG_URL)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxy.start()
    try:
        proxied = target.set(host="127.0.0.1", port=proxy.port)
        client = make_client(proxied.render_as_string(hide_password=False))
        assert_healthy(client)
        assert_healthy(client)  # a pooled connection is now open through the proxy

        proxy.stop()  # the pooled connection dies and new ones are refused
        assert_unavailable(client)
        assert_unavailable(client)

        proxy.start()  # the database is back on the same address
        assert_healthy(client)
        assert client.get("/login").status_code == 200  # pages work again too
    finally:
        proxy.stop()


# SQLite always; PostgreSQL in the suite's PostgreSQL run (LMS_TEST_DATABASE_URL).
SCENARIOS = {"sqlite": sqlite_cut_then_back}
if PG_URL:
    SCENARIOS["postgresql"] = postgresql_cut_then_back


@pytest.mark.parametrize("backend", sorted(SCENARIOS))
def test_database_unreachable_then_back(backend, make_client, tmp_path):
    SCENARIOS[backend](make_client, tmp_path)
