"""Admin screens for records of what happened (attempts, views, ledger …): look, never edit."""


class ReadOnlyAdminMixin:
    """Mix into a ModelAdmin or inline. Nobody adds or edits these rows by hand; deleting is
    allowed only where `allow_delete` says so (e.g. clearing a learner's stray records)."""

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)
