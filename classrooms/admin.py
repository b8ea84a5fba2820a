from django.contrib import admin

from .models import Assignment, Classroom, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["game", "video"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    """Staff see and fix classes; teachers are added in the user admin's groups (or `make_teacher`)."""

    list_display = ["name", "teacher", "join_code", "archived", "created_at"]
    list_filter = ["archived"]
    search_fields = ["name", "teacher__username", "join_code"]
    raw_id_fields = ["teacher"]
    readonly_fields = ["join_code", "created_at"]
    inlines = [MembershipInline, AssignmentInline]
