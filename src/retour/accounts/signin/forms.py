"""The fields of the sign-in steps; the templates lay them out."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
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


class ConfirmPasswordForm(forms.Form):
    """The password again, with a security key beside it (the key's answer is not a field)."""

    password = forms.CharField(strip=False, error_messages={
        "required": _("Enter your password.")})


class ConfirmForm(CodeForm, ConfirmPasswordForm):
    """The password and a code again."""


class KeyNameForm(forms.Form):
    """The name a new security key or passkey is listed under."""

    name = forms.CharField(max_length=64, error_messages={
        "required": _("Enter a name for the security key, so that you can tell your keys "
                      "apart."),
        "max_length": _("The name is at most 64 characters."),
    })

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        # Control and direction characters would make the list of keys read otherwise (ADR 17).
        if any(unicodedata.category(character).startswith("C") for character in name):
            raise ValidationError(_("The name contains a control character. Type it again "
                                    "without it."))
        return name
