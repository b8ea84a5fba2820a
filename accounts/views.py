from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import DeleteAccountForm, SettingsForm


@login_required
def settings_page(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("settings")
    return render(
        request, "accounts/settings.html", {"form": form, "delete_form": DeleteAccountForm(user=request.user)}
    )


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        settings_form = SettingsForm(instance=request.user)
        return render(request, "accounts/settings.html", {"form": settings_form, "delete_form": form}, status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.info(request, _("Your account and all its data have been deleted."))
    return redirect("home")
