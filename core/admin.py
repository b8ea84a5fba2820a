"""Admin screens for records of what happened (attempts, views, ledger …): look, never edit."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for mypy, the admin it is mixed into (so `super()` calls are checked)
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class ReadOnlyAdminMixin(_AdminBase):
    """Mix into a ModelAdmin or inline. Nobody adds or edits these rows by hand; deleting is
    allowed only where `allow_delete` says so (e.g. clearing a learner's stray records)."""

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)
