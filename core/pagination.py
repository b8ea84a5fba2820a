"""Page-numbered lists without a COUNT query when the first page holds the whole list.

Most lists here (games, videos, a class's learners) are shorter than a page. DRF's
`PageNumberPagination` counts before it fetches: a second round trip to learn what the
page itself shows. When page 1 comes back shorter than a page, its length is the count.
"""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class ShortListPaginator(Paginator):
    def page(self, number):
        if str(number) != "1":
            return super().page(number)
        items = list(self.object_list[: self.per_page])  # page 1 always exists
        if len(items) < self.per_page:
            self.count = len(items)  # the cached property, known without asking
        return Page(items, 1, self)


class Pagination(PageNumberPagination):
    """DRF's page numbers (`count`, `next`, `previous`, `results`), counting only lists longer than a page."""

    django_paginator_class = ShortListPaginator


class ReadAhead:
    """A list whose first rows were read already, one past a page (a prepared query's: see
    `videos/`). Page 1 comes from them; a count or another page builds the queryset (`rest`),
    and only when asked for."""

    def __init__(self, first: list, *, page_size: int, rest: Callable[[], QuerySet]):
        self.first, self.page_size, self._rest = first, page_size, rest

    @cached_property
    def rest(self) -> QuerySet:
        return self._rest()

    def count(self) -> int:
        # One row past a page was asked for: fewer than that is the whole list.
        return len(self.first) if len(self.first) <= self.page_size else self.rest.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice) and not index.start and index.stop is not None and index.stop <= self.page_size:
            return self.first[index]
        return self.rest[index]
