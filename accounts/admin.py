from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class LearnerAdmin(UserAdmin):
    list_display = ["username", "display_name", "email", "level", "xp", "coins", "streak_count", "is_active"]
    list_filter = ["is_active", "is_staff", "show_on_leaderboard"]
    search_fields = ["username", "display_name", "email"]
    # Progression moves only through the reward ledger; an adjustment is a ledger entry.
    readonly_fields = ("xp", "coins", "level", "streak_count", "longest_streak", "last_active_date", "streak_freezes")
    fieldsets = [
        *(UserAdmin.fieldsets or ()),  # the stubs leave it optional; UserAdmin always sets it
        ("Profile", {"fields": ["display_name", "avatar_url", "birth_year", "timezone", "show_on_leaderboard"]}),
        ("Progress", {"fields": readonly_fields}),
    ]
