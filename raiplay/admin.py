from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from achievements import selectors as reward_selectors
from core.admin import ReadOnlyAdminMixin
from games import selectors as game_selectors

from . import content_files, insights
from .models import ContentFile, Insights

# The admin is the editors' RaiPlay, not "Django administration"; "View site" opens the learners' site.
admin.site.site_header = gettext_lazy("RaiPlay")
admin.site.site_title = gettext_lazy("RaiPlay admin")
admin.site.index_title = gettext_lazy("Content, rewards and insights")
admin.site.site_url = "/"


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
            "title": gettext("Insights"),
            "opts": self.model._meta,
            "overview": insights.overview(list_untranslated=request.GET.get("missing") == "sq"),
            "listing_untranslated": request.GET.get("missing") == "sq",
            "active_days": insights.ACTIVE_DAYS,
            "active_days_long": insights.ACTIVE_DAYS_LONG,
            "hardest_min": game_selectors.HARDEST_MIN_ANSWERS,
            "low_stock_at": reward_selectors.LOW_STOCK,
        }
        return TemplateResponse(request, "admin/raiplay/insights.html", context)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Content file (JSON)"),
        help_text=gettext_lazy("The format export_content writes; checked first, nothing changes until you apply it."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > content_files.MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 5 MB."))
        return upload


@admin.register(ContentFile)
class ContentFileAdmin(admin.ModelAdmin):
    """Import content: upload a file, read its dry run, apply it; or download today's content."""

    def has_module_permission(self, request):
        return self._may_import(request) or self._may_export(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def _may_import(request) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm("raiplay.import_content")

    @staticmethod
    def _may_export(request) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm("raiplay.export_content")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("apply/", wrap(self.apply_view), name="raiplay_contentfile_apply"),
            path("export/", wrap(self.export_view), name="raiplay_contentfile_export"),
            *super().get_urls(),
        ]

    def _render(self, request, *, form, report=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import content"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "may_import": self._may_import(request),
            "may_export": self._may_export(request),
        }
        return TemplateResponse(request, "admin/raiplay/content_import.html", context, status=status)

    def changelist_view(self, request, extra_context=None):
        if not self.has_module_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._render(request, form=UploadForm())
        if not self._may_import(request):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form=form, status=400)
        upload = form.cleaned_data["file"]
        report = content_files.dry_run(request.session, name=upload.name, data=upload.read())
        return self._render(request, form=UploadForm(), report=report, status=400 if report.errors else 200)

    def apply_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:raiplay_contentfile_changelist")
        report = content_files.apply(request.session, digest=request.POST.get("digest", ""))
        if report is None:
            self.message_user(
                request, gettext("That file is no longer waiting to be applied: upload it again."), messages.WARNING
            )
            return redirect("admin:raiplay_contentfile_changelist")
        if report.errors:
            return self._render(request, form=UploadForm(), report=report, status=409)
        summary = "; ".join(
            gettext("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {"kind": kind, "created": counts[0], "updated": counts[1], "unchanged": counts[2]}
            for kind, counts in report.rows
        )
        self.message_user(
            request, gettext("Imported %(name)s. %(summary)s") % {"name": report.name, "summary": summary}
        )
        return redirect(reverse("admin:raiplay_contentfile_changelist"))

    def export_view(self, request):
        if not self._may_export(request):
            raise PermissionDenied
        name, data = content_files.export_file()
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
