"""The sign-in pages: password, then the code of an authenticator app (or, the first time,
setting the app up); and the confirmation that sensitive operations ask for.

Nobody is signed in until the code has passed: the password step only remembers, in the
session, whose password was right (``state.remember_password_passed``). Every failure, of the
password or of the code, is a ``user_login_failed`` signal, which django-axes counts towards a
lockout and the access log records."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login, user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from retour.accounts.signin import state, totp
from retour.accounts.signin.forms import CodeForm, ConfirmForm, PasswordForm
from retour.accounts.signin.lockout import locked_out_response


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


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code of the authenticator app the user set up."""
    user = state.pending_user(request)
    if user is None:
        return redirect_to_login(state.pending_next(request) or "")
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("signin-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if device.verify_token(form.cleaned_data["code"].strip()):
            return _signed_in(request, user)
        _code_failed(request, user, form)
    return render(request, "signin/code.html", {"form": form})


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
            return _signed_in(request, user)
        _code_failed(request, user, form)
    return render(request, "signin/enrol.html", {
        "form": form, "secret": totp.secret(device), "qr": totp.qr_data_url(device),
    })


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Password and code again before a sensitive operation; back to it afterwards."""
    user: Any = request.user
    device = totp.confirmed_device(user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        refused = _refused_while_locked(request, user)
        if refused:
            return refused
        if authenticate(request, username=user.get_username(),
                        password=form.cleaned_data["password"]) is None:
            form.add_error("password", _("The password is not right."))
        elif device.verify_token(form.cleaned_data["code"].strip()):
            state.stamp_confirmed(request)
            return HttpResponseRedirect(_next(request))
        else:
            _code_failed(request, user, form)
    return render(request, "signin/confirm.html", {
        "form": form, "next": _next(request), "has_device": device is not None,
        "minutes": settings.REAUTHENTICATION_SECONDS // 60,
    })


def _signed_in(request: HttpRequest, user: Any) -> HttpResponse:
    destination = state.pending_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    state.forget_pending(request)
    login(request, user)  # user_logged_in: the access log, axes, the session's stamps
    return HttpResponseRedirect(destination)


def _code_failed(request: HttpRequest, user: Any, form: CodeForm) -> None:
    # Counted like a wrong password: guessing codes locks out as guessing passwords does.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    form.add_error("code", _("That code is not right. Enter the code your authenticator app "
                             "shows now."))


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

