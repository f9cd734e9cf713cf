"""The sign-in pages: password, then the code of an authenticator app or a security key (or,
the first time, setting the app up); the confirmation that sensitive operations ask for; the
person's own sign-in methods, where security keys and passkeys are added and removed.

Nobody is signed in until the code or the key has passed: the password step only remembers, in
the session, whose password was right (``state.remember_password_passed``). Every failure, of
the password, the code or the key, is a ``user_login_failed`` signal, which django-axes counts
towards a lockout and the access log records."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from retour.accounts.administration import record
from retour.accounts.signin import keys, state, totp
from retour.accounts.signin.forms import (
    CodeForm,
    ConfirmForm,
    ConfirmPasswordForm,
    KeyNameForm,
    PasswordForm,
)
from retour.accounts.signin.lockout import locked_out_response
from retour.accounts.signin.session import recent_authentication_required


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password. A locked-out username and address get the lockout page
    (AxesMiddleware turns the request into HTTP 429)."""
    form = PasswordForm(request.POST or None)
    failed = False
    if request.method == "POST":
        state.forget_pending(request)
        if form.is_valid():
            user = authenticate(request, username=form.cleaned_data["username"],
                                password=form.cleaned_data["password"])
            if user is not None:
                state.remember_password_passed(request, user, _next(request))
                return redirect("signin-code")
            failed = True
    return render(request, "signin/password.html", {
        "form": form, "failed": failed, "next": _next(request),
    })


@sensitive_post_parameters("code", "credential")
@csrf_protect
@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code of the authenticator app the user set up, or one of their security
    keys (the browser's answer to the challenge in the page, in the form's ``credential``)."""
    user = state.pending_user(request)
    if user is None:
        return redirect_to_login(state.pending_next(request) or "")
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("signin-enrol")
    with_key = request.method == "POST" and bool(request.POST.get("credential"))
    form = CodeForm(request.POST if request.method == "POST" and not with_key else None)
    key_error = None
    if with_key:
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if keys.verified_key(request, user, request.POST["credential"]) is not None:
            return _signed_in(request, user)
        key_error = _key_failed(request, user)
    elif request.method == "POST" and form.is_valid():
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if device.verify_token(form.cleaned_data["code"].strip()):
            return _signed_in(request, user)
        _code_failed(request, user, form)
    return render(request, "signin/code.html", {
        "form": form, "key_error": key_error, "key_options": _key_options(request, user),
    })


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of an account without an authenticator app: the key to scan or type, and
    a first code to prove the app has it."""
    user = state.pending_user(request)
    if user is None:
        return redirect_to_login(state.pending_next(request) or "")
    if totp.confirmed_device(user) is not None:
        return redirect("signin-code")
    device = totp.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # Then the offer of a security key beside the app, and on where they were going.
            going = state.pending_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
            return _signed_in(request, user, then=_methods_url(going))
        _code_failed(request, user, form)
    return render(request, "signin/enrol.html", {
        "form": form, "secret": totp.secret(device), "qr": totp.qr_data_url(device),
    })


@sensitive_post_parameters("password", "code", "credential")
@csrf_protect
@never_cache
@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Password and code (or security key) again before a sensitive operation; back to it
    afterwards."""
    user: Any = request.user
    device = totp.confirmed_device(user)
    with_key = request.method == "POST" and bool(request.POST.get("credential"))
    form: ConfirmPasswordForm = (ConfirmPasswordForm if with_key else ConfirmForm)(
        request.POST or None)
    key_error = None
    if request.method == "POST" and device is not None and form.is_valid():
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if authenticate(request, username=user.get_username(),
                        password=form.cleaned_data["password"]) is None:
            form.add_error("password", _("The password is not right."))
        elif with_key:
            if keys.verified_key(request, user, request.POST["credential"]) is not None:
                state.stamp_confirmed(request)
                return HttpResponseRedirect(_next(request))
            key_error = _key_failed(request, user)
        elif device.verify_token(form.cleaned_data["code"].strip()):
            state.stamp_confirmed(request)
            return HttpResponseRedirect(_next(request))
        else:
            _code_failed(request, user, form)
    return render(request, "signin/confirm.html", {
        "form": form, "next": _next(request), "has_device": device is not None,
        "minutes": settings.REAUTHENTICATION_SECONDS // 60, "key_error": key_error,
        "key_options": _key_options(request, user) if device is not None else None,
    })


@sensitive_post_parameters("credential")
@csrf_protect
@never_cache
@login_required
@recent_authentication_required
def methods(request: HttpRequest) -> HttpResponse:
    """The person's own sign-in methods: the authenticator app, and security keys or passkeys
    to add (named) and remove. Behind a fresh password and code, as the administration is:
    whoever finds a signed-in browser must not add a key of their own."""
    user: Any = request.user
    adding = request.POST.get("action") == "add"
    form = KeyNameForm(request.POST if adding else None)
    key_error = None
    if request.method == "POST":
        if adding and form.is_valid():
            key = keys.register(request, user, request.POST.get("credential", ""),
                                form.cleaned_data["name"])
            if key is not None:
                # In the access log as an administrative change of the person's own account.
                record(user, "user", [user.pk], reason=f"security key added: {key.name}")
                messages.success(request, _("Security key “%(name)s” added. You can use it "
                                            "the next time you sign in.") % {"name": key.name})
                return redirect(_methods_url(_continue(request)))
            key_error = _("The security key was not added. Try again, or use another key.")
        elif not adding:
            removed = keys.remove(user, request.POST.get("key", ""))
            if removed is not None:
                record(user, "user", [user.pk], reason=f"security key removed: {removed}")
                messages.success(request, _("Security key “%(name)s” removed. It can no "
                                            "longer be used to sign in.") % {"name": removed})
            return redirect(_methods_url(_continue(request)))
    return render(request, "signin/methods.html", {
        "form": form, "key_error": key_error, "app": totp.confirmed_device(user),
        "keys": keys.confirmed_keys(user), "continue": _continue(request),
        "key_options": keys.registration_options(request, user),
    })


def _signed_in(request: HttpRequest, user: Any, then: str | None = None) -> HttpResponse:
    destination = then or state.pending_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    state.forget_pending(request)
    login(request, user)  # user_logged_in: the access log, axes, the session's stamps
    return HttpResponseRedirect(destination)


def _code_failed(request: HttpRequest, user: Any, form: forms.Form) -> None:
    # Counted like a wrong password: guessing codes locks out as guessing passwords does.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    form.add_error("code", _("That code is not right. Enter the code your authenticator app "
                             "shows now."))


def _key_failed(request: HttpRequest, user: Any) -> str:
    # Counted like a wrong code: a key that does not answer is a failed sign-in.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    return _("The security key was not accepted. Try again, or enter the code from your "
             "authenticator app.")


def _key_options(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """A new challenge for the user's keys, if they have any."""
    return keys.assertion_options(request, user) if keys.has_key(user) else None


def _methods_url(going: str | None) -> str:
    url = reverse("signin-methods")
    return f"{url}?{urlencode({'next': going})}" if going else url


def _continue(request: HttpRequest) -> str | None:
    """Where the person goes on from the sign-in methods (after a first sign-in), if anywhere."""
    asked = request.POST.get("next") or request.GET.get("next")
    return _next(request) if asked else None


def _refused_while_locked(request: HttpRequest, user: Any) -> HttpResponse | None:
    if AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        return None
    return locked_out_response(request)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)

