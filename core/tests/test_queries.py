"""core.queries: a query string validated once per distinct string, its errors each time."""

import pytest
from django.http import QueryDict
from django.utils import translation
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core import queries


class Query(serializers.Serializer):
    period = serializers.ChoiceField(choices=["all", "week"], default="all")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


def test_a_valid_query_string_is_validated_once_and_each_caller_gets_its_own_copy():
    queries._valid.cache_clear()

    first = queries.validated_query(Query, QueryDict("limit=5&period=week"))
    first["limit"] = 99
    again = queries.validated_query(Query, QueryDict("period=week&limit=5"))  # same pairs, other order

    assert again == {"period": "week", "limit": 5}
    assert queries._valid.cache_info().hits == 1
    assert queries.validated_query(Query, QueryDict("")) == {"period": "all", "limit": 50}
    assert queries.validated_query(Query, QueryDict("tags=a&tags=b"))["tags"] == ["a", "b"]


def test_an_invalid_query_string_raises_each_time_in_the_active_language():
    queries._valid.cache_clear()
    bad = QueryDict("limit=500")
    with pytest.raises(ValidationError) as english:
        queries.validated_query(Query, bad)
    with translation.override("sq"), pytest.raises(ValidationError) as albanian:
        queries.validated_query(Query, bad)

    assert "less than or equal to 100" in str(english.value.detail["limit"][0])
    assert str(albanian.value.detail["limit"][0]) != str(english.value.detail["limit"][0])
    assert queries._valid.cache_info().currsize == 0  # refused query strings are not kept


@pytest.mark.django_db
def test_the_leaderboard_answers_a_bad_query_with_a_400_every_time(api):
    for _ in range(2):
        response = api.get("/api/v1/users/leaderboard?period=year")
        assert response.status_code == 400
        assert "period" in response.json()
