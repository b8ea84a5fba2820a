"""Domain errors carry meaning; core.handlers alone turns each meaning into a status."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import errors
from core.handlers import status_for


class SoldOut(errors.Conflict):
    default_message = _("Sorry, “%(item)s” is sold out.")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.DomainError(), 400),
        (errors.NotAuthenticated(), 401),
        (errors.Forbidden(), 403),
        (errors.NotFound(), 404),
        (errors.Conflict(), 409),
        (errors.UpstreamFailed(), 502),
        (errors.Unavailable(), 503),
        (errors.UpstreamTimeout(), 504),
        (SoldOut(item="Hoodie"), 409),  # a subclass keeps its kind's status
    ],
)
def test_each_kind_of_domain_error_has_one_status(error, status):
    assert status_for(error) == status


def test_a_message_is_translated_when_shown_not_when_raised():
    error = SoldOut(item="Hoodie")  # raised while English is active

    with translation.override("sq"):
        albanian = error.message
    with translation.override("en"):
        english = error.message

    assert english == "Sorry, “Hoodie” is sold out."
    assert albanian != english and "Hoodie" in albanian
