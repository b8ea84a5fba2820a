"""Container health check: exit 0 when this app server's /api/v1/health/ answers 200.

Sends a Host header Django accepts (the first of DJANGO_ALLOWED_HOSTS), so the check
works in production as it does in development. Standard library only.
"""

import os
import sys
import urllib.error
import urllib.request

PORT = os.environ.get("HEALTHCHECK_PORT", "8000")


def allowed_host() -> str:
    first = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    host = first.lstrip(".")  # ".example.com" allows example.com
    return host if host and host != "*" else "localhost"


def main() -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/health/", headers={"Host": allowed_host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 — a fixed local URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
