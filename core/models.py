"""The kernel's one table: responses kept for clients that retry with an Idempotency-Key."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to (user, key), replayed for 24 hours (core.idempotency)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    endpoint = models.CharField(max_length=255)  # "POST /api/v1/shop/items/3/redeem": a key serves one request
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)  # the JSON as first sent, byte for byte
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")]

    def __str__(self):
        return f"{self.key} ({self.endpoint})"
