from django.contrib import admin
from django.template.response import TemplateResponse

from core.admin import ReadOnlyAdminMixin

from . import insights
from .models import Insights


@admin.register(Insights)
class InsightsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The editors' dashboard: learners, active learners, completions and pass rate per game, top videos."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def changelist_view(self, request, extra_context=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "Insights",
            "opts": self.model._meta,
            "overview": insights.overview(list_untranslated=request.GET.get("missing") == "sq"),
            "listing_untranslated": request.GET.get("missing") == "sq",
            "active_days": insights.ACTIVE_DAYS,
        }
        return TemplateResponse(request, "admin/raiplay/insights.html", context)
