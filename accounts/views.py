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
    form = SettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("settings")
    status = 400 if form.is_bound else 200
    context = {"form": form, "delete_form": DeleteAccountForm(user=request.user)}
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        context = {"form": SettingsForm(user=request.user), "delete_form": form}
        return render(request, "accounts/settings.html", context, status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.info(request, _("Your account and all its data have been deleted."))
    return redirect("home")
