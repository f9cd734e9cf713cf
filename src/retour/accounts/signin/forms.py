"""The fields of the sign-in steps; the templates lay them out."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={
        "required": _("Enter your username.")})
    password = forms.CharField(strip=False, error_messages={
        "required": _("Enter your password.")})


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("Enter the six-digit code that your authenticator app shows."),
            "invalid": _("The code is six digits, as your authenticator app shows it."),
        },
    )


class ConfirmForm(CodeForm):
    password = forms.CharField(strip=False, error_messages={
        "required": _("Enter your password.")})
