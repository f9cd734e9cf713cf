"""Passwords refused because an attacker would try them first (NIST SP 800-63B, 5.1.1.2:
"values known to be commonly-used, expected, or compromised" and "context-specific words,
such as the name of the service, the username, and derivatives thereof")."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Letters an attacker's word list swaps in for others ("p@ssw0rd"): undone before comparing.
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s",
                       "5": "s", "7": "t"})
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_PRODUCT = "retour"
# Parts of a name shorter than this ("de", "van") would refuse half of all passwords.
_SHORTEST_PART = 3


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuses a password found in breaches, also with digits or signs around it or letters
    swapped for look-alikes ("Summer2024!", "p@ssw0rd").

    The list is Django's own (``CommonPasswordValidator``: the 20,000 passwords seen most
    often in published breaches), shipped with Django, since the servers have no internet."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower().strip()
        candidates = {lowered, _DECORATION.sub("", lowered), lowered.translate(_LEET),
                      _DECORATION.sub("", lowered.translate(_LEET))}
        if candidates & self.passwords:
            raise ValidationError(
                _("This password is in lists of passwords stolen from other websites, which "
                  "attackers try first. Choose another one."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one that is known from lists of stolen passwords.")


class ContextPasswordValidator:
    """Refuses a password that contains the username, the person's names, the product's name
    or the name or code of their authority: the words an attacker who knows whom they attack
    tries first."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if any(word in lowered for word in _context_words(user)):
            raise ValidationError(
                _("The password contains your username, your name, the name of your "
                  "authority or the word Retour. Choose one that does not."),
                code="password_context",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot contain your username, your name, the name of your "
                 "authority or the word Retour.")


def _context_words(user: Any) -> set[str]:
    texts = [_PRODUCT]
    if user is not None:
        texts += [getattr(user, field, "") or "" for field in
                  ("username", "first_name", "last_name", "email")]
        authority = getattr(user, "authority", None) if getattr(user, "authority_id", None) \
            else None
        if authority is not None:
            texts += [authority.code, authority.name]
    words = set()
    for text in texts:
        lowered = text.lower()
        if "@" in lowered:
            lowered = lowered.split("@")[0]
        words.add(lowered)
        words.update(re.split(r"[\W_]+", lowered))
    return {word for word in words if len(word) >= _SHORTEST_PART}
