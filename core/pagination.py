"""Page-numbered lists without a COUNT query when the first page holds the whole list.

Most lists here (games, videos, a class's learners) are shorter than a page. DRF's
`PageNumberPagination` counts before it fetches: a second round trip to learn what the
page itself shows. When page 1 comes back shorter than a page, its length is the count.
"""

from django.core.paginator import Page, Paginator
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
