"""Bench mode (`RAIPLAY_BENCH=1`, only ever set by `make bench`): the floor view and the query counter.

The floor is a bare Django JSON view: no authentication, no database, no cache, a payload of the
size asked for (`?bytes=`, what a typical endpoint returns), through the same middleware as every
other request. Its requests per second, measured in the same run, are what a route's are compared
with: the ratio says what the route itself costs, whatever the machine.
"""

import json
from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

QUERIES_HEADER = "X-Bench-Queries"
DEFAULT_BYTES = 2048
MAX_BYTES = 256 * 1024
_ROW = {"id": 0, "slug": "budget-basics", "title": "Budget basics", "level": 3, "done": False}
_ROW_BYTES = len(json.dumps({**_ROW, "id": 100})) + 2  # a row and its separator


def floor(request: HttpRequest) -> JsonResponse:
    try:
        size = min(max(int(request.GET.get("bytes", DEFAULT_BYTES)), 0), MAX_BYTES)
    except ValueError:
        size = DEFAULT_BYTES
    rows = [{**_ROW, "id": n} for n in range(size // _ROW_BYTES)]
    return JsonResponse({"count": len(rows), "results": rows})


class QueryCountMiddleware:
    """Adds `X-Bench-Queries`: the SQL statements this request ran, on every connection."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERIES_HEADER] = str(count)
        return response
