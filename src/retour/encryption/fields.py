"""A text field whose values are encrypted at rest with AES-256-GCM (ADR 19).

A stored value reads ``aesgcm:<key id>:<nonce + ciphertext + tag, base64url>``. The model's
label and the field's name are the associated data, so a value copied into another column
does not decrypt. Values are decrypted when read, so code that uses the model sees text; the
database cannot search them (no lookup but ``isnull``).
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models

from retour.encryption import keys

PREFIX = "aesgcm"
NONCE_BYTES = 12


class UnreadableValue(ValueError):
    """A stored value that no key in the folder decrypts: changed, or moved from elsewhere."""


def _associated(field: models.Field[Any, Any]) -> bytes:
    return f"{field.model._meta.label}.{field.name}".encode()


def seal(text: str, associated: bytes) -> str:
    key_id, secret = keys.current()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(secret).encrypt(nonce, text.encode(), associated)
    return f"{PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str | None:
    """The id of the key ``stored`` was encrypted with (None: not an encrypted value)."""
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def unseal(stored: str, associated: bytes) -> str:
    key_id = key_id_of(stored)
    if key_id is None:
        raise UnreadableValue("the stored value is not encrypted")
    raw = base64.urlsafe_b64decode(stored.split(":", 2)[2])
    try:
        return AESGCM(keys.key(key_id)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                associated).decode()
    except InvalidTag:
        raise UnreadableValue(
            f"a stored value does not decrypt with key {key_id!r}: it was changed, or "
            "copied from another column"
        ) from None


class EncryptedTextField(models.TextField):
    """Text encrypted at rest; the empty string stays empty (nothing was recorded)."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return seal(value, _associated(self))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return unseal(value, _associated(self))

    def get_lookup(self, lookup_name: str) -> Any:
        # A lookup on ciphertext would silently match nothing (each value has its own nonce).
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
