from django import forms
from django.utils.translation import gettext_lazy as _

from .safety import MAX_MESSAGE_LENGTH


class ChatForm(forms.Form):
    message = forms.CharField(
        label=_("Ask FinBot a money question"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_MESSAGE_LENGTH, "autocomplete": "off"}),
    )
