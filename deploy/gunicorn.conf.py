"""gunicorn settings for the transfer portal: `gunicorn -c deploy/gunicorn.conf.py`.

Sized for one small server (2 cores): two worker processes with a few threads each, so a
slow request (a large export, a slow client behind the proxy) does not hold up the rest.
Every value can be changed through an environment variable without editing this file.
"""

import gc
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "transfer_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# Requests slower than this are killed and logged; pages answer in milliseconds.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that memory cannot creep up over weeks. The app is
# loaded once in the master and forked (preload_app), so a recycled worker is ready at
# once instead of importing Django for a second while its requests wait.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
preload_app = True


def when_ready(server):
    # Objects loaded so far are never freed: keep the garbage collector from touching (and
    # thereby copying) the pages the workers share with the master.
    gc.freeze()


# The heartbeat file lives in memory; container file systems can be slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Trust X-Forwarded-* only from the reverse proxy (comma-separated addresses).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr; systemd or the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "transfer_portal"

# gunicorn's control socket (for `gunicornc`) defaults to one path per user: several
# instances on one server would replace each other's. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
