"""The authenticator-app devices (django-otp's TOTP, RFC 6238): which one a user signs in
with, a new one to enrol, its QR code, and the code it shows now (for the demo and tests)."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

ENROLMENT_NAME = "Authenticator app"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def enrolment_device(user: Any) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until it is confirmed, so a
    reload does not invalidate what the person already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=ENROLMENT_NAME, confirmed=False)


def give_device(user: Any, name: str) -> TOTPDevice:
    """A confirmed device in place of the user's others (demo users, tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def secret(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_data_url(device: TOTPDevice) -> str:
    """The otpauth URL as a QR code in an SVG data URL (the CSP allows images from data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)


def code_now(device: TOTPDevice) -> str:
    """The code the device's app shows now; the next one if this one was already used (a
    code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"
