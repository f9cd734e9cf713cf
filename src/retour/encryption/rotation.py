"""Re-encrypting every encrypted value with the current key (``retour encryption rotate``),
so that an old key can be retired; and counting values per key (``… status``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from retour.encryption import keys
from retour.encryption.fields import EncryptedTextField, key_id_of


def encrypted_fields() -> Iterator[tuple[type[models.Model], str]]:
    """Every encrypted field of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field.name


def _stored(model: type[models.Model], name: str) -> Any:
    """The values as stored (ciphertext), read past the field's decryption."""
    return (model._base_manager.exclude(**{f"{name}__isnull": True})
            .annotate(stored=Cast(name, models.TextField())).values_list("pk", "stored"))


def status() -> Counter[tuple[str, str]]:
    """How many values each key encrypts, per field (``app.Model.field``, key id)."""
    counts: Counter[tuple[str, str]] = Counter()
    for model, name in encrypted_fields():
        for _, stored in _stored(model, name).iterator():
            if stored:
                counts[(f"{model._meta.label}.{name}", key_id_of(stored) or "?")] += 1
    return counts


def rotate() -> int:
    """Re-encrypt with the current key every value another key encrypted; one transaction.
    Returns how many values were re-encrypted."""
    current, _ = keys.current()
    moved = 0
    with transaction.atomic():
        for model, name in encrypted_fields():
            manager = model._base_manager
            for pk, stored in _stored(model, name).iterator():
                if not stored or key_id_of(stored) == current:
                    continue
                # Read through the field (decrypted with the old key), written back through it
                # (encrypted with the current one).
                text = manager.values_list(name, flat=True).get(pk=pk)
                manager.filter(pk=pk).update(**{name: text})
                moved += 1
    return moved
