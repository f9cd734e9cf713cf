"""Security keys and passkeys (WebAuthn): the second kind of second factor, beside the
authenticator app. django-otp-webauthn keeps each key as a django-otp device
(``WebAuthnCredential``) and its helper asks py_webauthn to check the browser's answers: the
challenge this session was given, the relying party (``OTP_WEBAUTHN_RP_ID``), the origin
(``OTP_WEBAUTHN_ALLOWED_ORIGINS``), the key's signature and signature counter.

The ceremonies are the sign-in's own pages, not the library's JSON views: a key is asked for
after the password, before anyone is signed in (``state.pending_user``), which the library's
views do not know. Each page puts the options in the page; the browser's answer comes back in
an ordinary form field, so a refusal is a page like a wrong code's."""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers.exceptions import WebAuthnException

# What a wrong answer raises: the library's refusals (unknown key, another person's key),
# py_webauthn's (signature, challenge, origin, site, counter, structure) and malformed JSON.
_REFUSED = (OTPWebAuthnApiError, WebAuthnException, ValueError, KeyError, TypeError)

# The challenge of the ceremony under way, one per session: taken (and so spent) by the answer.
_ASSERTION = "signin.key_assertion"
_REGISTRATION = "signin.key_registration"
NAME_LENGTH = 64


def confirmed_keys(user: Any) -> Any:
    """The user's keys, oldest first (a QuerySet of ``WebAuthnCredential``)."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_key(user: Any) -> bool:
    return bool(confirmed_keys(user).exists())


def assertion_options(request: HttpRequest, user: Any) -> dict[str, Any]:
    """What the browser needs to ask one of ``user``'s keys to sign a new challenge; the
    challenge is remembered in the session for the answer."""
    options, ceremony = WebAuthnHelper(request).authenticate_begin(
        user=user, require_user_verification=False)
    request.session[_ASSERTION] = ceremony
    return dict(options)


def verified_key(request: HttpRequest, user: Any, answer: str) -> Any | None:
    """The key of ``user`` that signed this session's challenge in ``answer`` (the browser's
    ``PublicKeyCredential`` as JSON), or None: no challenge given, another person's or an
    unknown key, a bad signature, the wrong site, a counter gone back. The challenge is spent
    either way, so an answer cannot be replayed."""
    ceremony = request.session.pop(_ASSERTION, None)
    if not ceremony or not answer:
        return None
    try:
        key = WebAuthnHelper(request).authenticate_complete(
            user=user, state=ceremony, data=json.loads(answer))
    except _REFUSED:
        return None
    return key if key.confirmed and key.user_id == user.pk else None


def registration_options(request: HttpRequest, user: Any) -> dict[str, Any]:
    """What the browser needs to make a new key for ``user`` (keys already registered
    excluded, so one authenticator is not registered twice)."""
    options, ceremony = WebAuthnHelper(request).register_begin(user=user)
    request.session[_REGISTRATION] = ceremony
    return dict(options)


def register(request: HttpRequest, user: Any, answer: str, name: str) -> Any | None:
    """The new key made for this session's challenge, saved under ``name``; None if the
    answer does not hold."""
    ceremony = request.session.pop(_REGISTRATION, None)
    if not ceremony or not answer:
        return None
    try:
        with transaction.atomic():  # a key registered already (the same credential) is refused
            key = WebAuthnHelper(request).register_complete(
                user=user, state=ceremony, data=json.loads(answer))
    except (*_REFUSED, IntegrityError):
        return None
    key.name = name
    key.confirmed = True
    key.save(update_fields=["name", "confirmed"])
    return key


def remove(user: Any, key_id: Any) -> str | None:
    """Removes one of ``user``'s own keys; its name, or None if they have no such key."""
    key = confirmed_keys(user).filter(pk=key_id).first() if str(key_id).isdigit() else None
    if key is None:
        return None
    name = str(key.name)
    key.delete()
    return name
