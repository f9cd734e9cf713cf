"""A security key in software for the tests: it answers a page's WebAuthn options as a real
authenticator would (a P-256 key pair, "none" attestation, a signature counter), so the
server's checks run on the real answers' bytes (CTAP2/WebAuthn Level 3 data layouts)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

_USER_PRESENT, _USER_VERIFIED, _ATTESTED = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge,
                           "origin": origin or self.origin, "crossOrigin": False}).encode()

    def _authenticator_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        self.counter += 1
        return (hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
                + struct.pack(">I", self.counter) + attested)

    def _cose_key(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def create(self, options: dict[str, Any], origin: str | None = None) -> str:
        """The answer to ``navigator.credentials.create`` (as the page's script sends it)."""
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attested = (bytes(16) + struct.pack(">H", len(self.credential_id))
                    + self.credential_id + self._cose_key())
        data = self._authenticator_data(
            options["rp"]["id"], _USER_PRESENT | _USER_VERIFIED | _ATTESTED, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": data})
        return json.dumps({
            "id": b64(self.credential_id), "rawId": b64(self.credential_id),
            "type": "public-key", "authenticatorAttachment": "cross-platform",
            "response": {"clientDataJSON": b64(client_data),
                         "attestationObject": b64(attestation), "transports": ["usb"]},
            "clientExtensionResults": {"credProps": {"rk": False}},
        })

    def get(self, options: dict[str, Any], origin: str | None = None,
            signer: SoftKey | None = None) -> str:
        """The answer to ``navigator.credentials.get``; ``signer`` signs instead of this
        key (a forged answer)."""
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        data = self._authenticator_data(options["rpId"], _USER_PRESENT | _USER_VERIFIED)
        signature = (signer or self).private.sign(
            data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({
            "id": b64(self.credential_id), "rawId": b64(self.credential_id),
            "type": "public-key", "authenticatorAttachment": "cross-platform",
            "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(data),
                         "signature": b64(signature), "userHandle": None},
            "clientExtensionResults": {},
        })
