"""The keys that encrypt special categories of personal data at rest (ADR 19), kept in a
folder outside the database (``DATA_KEY_DIR``): one file per key, ``<id>.key``, 32 random
bytes for AES-256-GCM. The id is the moment the key was made, so the newest sorts last and
encrypts; older keys stay until ``retour encryption rotate`` has re-encrypted every value
they encrypted, and may then be removed.

Whoever copies the database without this folder holds no health data in the clear.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SUFFIX = ".key"
KEY_BYTES = 32  # AES-256


class KeyMissing(ImproperlyConfigured):
    """A value was encrypted with a key the folder no longer (or not yet) holds."""


_read: dict[tuple[Path, str], bytes] = {}


def folder() -> Path:
    return Path(settings.DATA_KEY_DIR)


def ids() -> list[str]:
    directory = folder()
    if not directory.is_dir():
        return []
    return sorted(p.name.removesuffix(SUFFIX) for p in directory.glob(f"*{SUFFIX}"))


def key(key_id: str) -> bytes:
    directory = folder()
    found = _read.get((directory, key_id))
    if found is None:
        try:
            found = bytes.fromhex((directory / f"{key_id}{SUFFIX}").read_text().strip())
        except FileNotFoundError:
            raise KeyMissing(
                f"the data key {key_id!r} is not in {directory} (RETOUR_DATA_KEY_DIR)"
            ) from None
        if len(found) != KEY_BYTES:
            raise ImproperlyConfigured(f"the data key {key_id!r} is not {KEY_BYTES} bytes long")
        _read[(directory, key_id)] = found
    return found


def current() -> tuple[str, bytes]:
    """The key new values are encrypted with: the newest in the folder."""
    found = ids()
    if not found:
        raise KeyMissing(
            f"no data key in {folder()} (RETOUR_DATA_KEY_DIR): create one with "
            "`retour encryption new-key`"
        )
    return found[-1], key(found[-1])


def new_key() -> str:
    """Make a key that encrypts from now on; returns its id. Never overwrites a key."""
    directory = folder()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    descriptor = os.open(directory / f"{key_id}{SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(KEY_BYTES) + "\n")
    return key_id


def ensure_development_key() -> None:
    """A development or test machine (``DATA_KEY_GENERATE``) makes its key on start-up."""
    if not ids():
        with contextlib.suppress(FileExistsError):
            new_key()
