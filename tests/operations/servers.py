"""Real processes for the operations tests: gunicorn, a TCP proxy, a tiny HTTP visitor.

Everything listens and connects on 127.0.0.1 only.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict, port=None):
    """The URL of Django's (test) database, optionally through another port."""
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = port or settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


_static_collected = threading.Lock()
_static_state = {"done": False}


def collect_static():
    """Production serves hashed static files from a manifest: collect them once a session."""
    with _static_collected:
        if _static_state["done"]:
            return
        subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "collectstatic-only-not-a-secret",
                "DJANGO_ALLOWED_HOSTS": "localhost",
            },
            check=True,
        )
        _static_state["done"] = True


class _Process:
    """A child process of the operations tests, with its output in a log file."""

    def __init__(self, command, environment, log_path):
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument lists
            command, cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self):
        return Path(self.log_path).read_text(errors="replace")[-4000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


class Gunicorn(_Process):
    """The portal in production mode under gunicorn, as deploy/gunicorn.conf.py runs it."""

    def __init__(self, *, database_url, redis_url, secret_key, log_path, workers=2, env=None):
        collect_static()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "transfer_portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_CACHE_PREFIX": "ops",
            "DJANGO_LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
            **(env or {}),
        }
        self.environment = environment
        super().__init__(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)], environment, log_path
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()}")
            if self.healthy():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy: {self.log()}")

    def healthy(self):
        """The container's health check (deploy/healthcheck.py), run as compose runs it."""
        check = subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
            env=self.environment,
            capture_output=True,
            check=False,
        )
        return check.returncode == 0


class TaskWorker(_Process):
    """`manage.py db_worker`, as production runs it beside gunicorn: it sends the e-mails
    the web processes queue, with the same environment."""

    def __init__(self, environment, log_path):
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"]
        super().__init__(command, environment, log_path)


def wait_until(condition, timeout=60, interval=0.2):
    """Wait until condition() is true; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self):
        return f"<Answer {self.status} {self.headers.get('Location', '')}>"


class Visitor:
    """A browser without a browser: keeps cookies, never follows redirects.

    The production cookies are `Secure`; a real browser would not send them over plain
    HTTP, but over loopback the proxy's TLS is simply not there, so they are kept anyway.
    """

    def __init__(self, base, cookies=None, host_header=None, headers=None):
        """`headers`: sent with every request, e.g. the X-Forwarded-For a proxy adds."""
        self.base = base
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.cookies = dict(cookies or {})
        self.host_header = host_header
        self.headers = dict(headers or {})

    def request(self, method, path, data=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = dict(self.headers)
        if self.host_header:
            headers["Host"] = self.host_header
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = [*data.items()] if isinstance(data, dict) else list(data)
            if "csrftoken" in self.cookies:
                data.append(("csrfmiddlewaretoken", self.cookies["csrftoken"]))
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, dict(response.headers), content)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)


def sent_mails(folder):
    """The e-mails gunicorn wrote with DJANGO_EMAIL_FILE_PATH=folder, parsed. Django's file
    backend appends each message and a line of 79 dashes to a file per connection; two
    worker processes may append to the same file."""
    import email
    from email import policy

    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


class TcpProxy:
    """Forwards a local port to PostgreSQL; stop() is a database outage, start() its end."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._sockets = set()
        self._lock = threading.Lock()
        self._listener = None

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self):
        """Refuse new connections and cut every open one, as a crashed server would."""
        listener, self._listener = self._listener, None
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
