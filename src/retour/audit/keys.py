"""The access log's keys, kept in a folder outside the database (``AUDIT_KEY_DIR``, ADR 0015).

- Chain keys: one file per key, ``<id>.key``, JSON with the secret (32 random bytes, hex) and
  when it was made. The id is the moment it was made, so the newest key sorts last and is the
  one new entries are keyed with; older keys stay in the folder so the entries they keyed
  still verify. The first key also records ``unkeyed_until``: the last entry written before
  the log was keyed (the log's head when the key was made), so that no later entry can pass as
  one from before keying.
- The anchors' signing key: ``anchor-signing.pem`` (Ed25519, private; only ``retour audit
  anchor`` needs it) and ``anchor-signing.pub`` (public; enough to check the anchors).

Whoever can change the database but cannot read this folder cannot forge an entry, nor an
anchor.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SUFFIX = ".key"
SIGNING_KEY = "anchor-signing.pem"
PUBLIC_KEY = "anchor-signing.pub"


class KeyMissing(ImproperlyConfigured):
    """A key the access log needs is not in the key folder."""


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes
    unkeyed_until: int | None = None


# Per key folder (tests and a rotation name others): keys read once per process.
_read: dict[tuple[Path, str], ChainKey] = {}
_newest: dict[Path, str] = {}


def folder() -> Path:
    # As the settings give it (a Path): asked for with every entry written or verified.
    directory: Path = settings.AUDIT_KEY_DIR
    return directory


def _ids(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.name.removesuffix(SUFFIX) for p in directory.glob(f"*{SUFFIX}"))


def _create_private(path: Path, content: bytes) -> None:
    """Write a new secret file, readable by its owner only; never overwrite one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def key(key_id: str) -> ChainKey:
    """The chain key ``key_id``; ``KeyMissing`` if the folder does not hold it."""
    directory = folder()
    found = _read.get((directory, key_id))
    if found is None:
        path = directory / f"{key_id}{SUFFIX}"
        try:
            content = json.loads(path.read_text())
        except FileNotFoundError:
            raise KeyMissing(f"the access log's key {key_id!r} is not in {directory}") from None
        found = ChainKey(key_id, bytes.fromhex(content["secret"]), content.get("unkeyed_until"))
        _read[(directory, key_id)] = found
    return found


def current_key() -> ChainKey:
    """The key new entries are keyed with: the newest in the folder."""
    directory = folder()
    key_id = _newest.get(directory)
    if key_id is None:
        ids = _ids(directory)
        if not ids:
            raise KeyMissing(
                f"no key for the access log in {directory} (RETOUR_AUDIT_KEY_DIR): "
                "create one with `retour audit new-key`"
            )
        key_id = _newest[directory] = ids[-1]
    return key(key_id)


def first_key() -> ChainKey | None:
    """The oldest key, which says where keying began; ``None`` before the log is keyed."""
    ids = _ids(folder())
    return key(ids[0]) if ids else None


def new_key(head_sequence: int | None) -> ChainKey:
    """Make a key that entries are keyed with from now on (in this process at once, in
    others when they start). ``head_sequence``: the log's head now, recorded in the first key
    as the last entry written before keying (``None``: not known, as when a development
    machine makes its key on start-up)."""
    directory = folder()
    first = not _ids(directory)
    key_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    content: dict[str, object] = {
        "secret": secrets.token_hex(32), "created": datetime.now(UTC).isoformat(),
    }
    if first and head_sequence is not None:
        content["unkeyed_until"] = head_sequence
    _create_private(directory / f"{key_id}{SUFFIX}", json.dumps(content).encode() + b"\n")
    _newest[directory] = key_id
    return key(key_id)


def has_signing_key() -> bool:
    return (folder() / SIGNING_KEY).exists()


def new_signing_key() -> None:
    """Make the anchors' key pair (refused if there is one: old anchors need its public half)."""
    private = Ed25519PrivateKey.generate()
    _create_private(folder() / SIGNING_KEY, private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (folder() / PUBLIC_KEY).write_bytes(public)


def signing_key() -> Ed25519PrivateKey:
    path = folder() / SIGNING_KEY
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyMissing(
            f"no key to sign anchors with at {path}: create it with `retour audit new-key`"
        ) from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key")
    return loaded


def public_key() -> Ed25519PublicKey:
    path = folder() / PUBLIC_KEY
    try:
        loaded = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise KeyMissing(f"no key to check the anchors with at {path}") from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 public key")
    return loaded


def ensure_development_keys() -> None:
    """On a development or test machine (``AUDIT_KEY_GENERATE``): make the keys on start-up,
    so that every process started from it finds them."""
    # Another process may make them at the same moment: one pair of keys is kept.
    if not _ids(folder()):
        with contextlib.suppress(FileExistsError):
            new_key(None)
    if not has_signing_key():
        with contextlib.suppress(FileExistsError):
            new_signing_key()
