"""Container health check (deploy/compose.yaml): exit 0 when /healthz answers 200.

It asks as the reverse proxy would: with the first host of DJANGO_ALLOWED_HOSTS and
X-Forwarded-Proto https. A bare request to 127.0.0.1 gets 400 (host not allowed) or, in
production settings, the redirect to https.
"""

import os
import sys
import urllib.error
import urllib.request

PORT = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]


def main():
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    host = next((h.lstrip(".") for h in hosts if h and h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - fixed URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthz: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
