"""Which metrics an achievement or a daily quest may count (the names live in `core.metrics`)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.metrics import PLAIN, PREFIXED


def validate_metric(metric: str) -> None:
    if metric in PLAIN or any(metric.startswith(p) and len(metric) > len(p) for p in PREFIXED):
        return
    raise ValidationError(
        {
            "metric": _("Unknown metric “%(metric)s”. Use one of %(names)s, games_completed:<category> or game:<slug>.")
            % {"metric": metric, "names": ", ".join(sorted(PLAIN))}
        }
    )
