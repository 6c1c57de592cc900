"""Key derivation, key slots and AEAD sealing for the encrypted store (DESIGN.md §3).

Only ``cryptography`` primitives: Argon2id for the passphrase, HKDF-SHA256 for per-write
keys, ChaCha20-Poly1305 for every seal, HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) for
the recovery slot. Keys, salts and nonces come from ``os.urandom``.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ips_field.errors import UnsafeKdfParameters, WrongPassphrase

KEY_BYTES = 32
SALT_BYTES = 16
ZERO_NONCE = bytes(12)  # every key below is used for exactly one seal
MIB = 1024

HPKE_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, iterations (t) and lanes (p)."""

    memory_kib: int
    iterations: int
    lanes: int

    MIN_MEMORY_KIB: ClassVar[int] = 64 * MIB
    MAX_MEMORY_KIB: ClassVar[int] = 1024 * MIB
    MAX_ITERATIONS: ClassVar[int] = 3  # calibrate() always writes t=3: more is an altered file
    DEFAULT: ClassVar[KdfParams]
    FOR_TESTS: ClassVar[KdfParams]

    def check_bounds(self) -> None:
        """Refuse costs outside the allowed box, before any derivation runs."""
        ok = (
            isinstance(self.memory_kib, int)
            and isinstance(self.iterations, int)
            and isinstance(self.lanes, int)
            and self.MIN_MEMORY_KIB <= self.memory_kib <= self.MAX_MEMORY_KIB
            and 1 <= self.iterations <= self.MAX_ITERATIONS
            and 1 <= self.lanes <= 8
        )
        if not ok:
            raise UnsafeKdfParameters(
                "the file asks for key-derivation settings this program never writes: "
                "it may have been altered; refused"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"alg": "argon2id", "m": self.memory_kib, "t": self.iterations, "p": self.lanes}

    @classmethod
    def from_dict(cls, data: Any) -> KdfParams:
        if not isinstance(data, dict) or data.get("alg") != "argon2id":
            raise UnsafeKdfParameters(
                "the file names an unknown key derivation: it may have been altered; refused"
            )
        params = cls(data.get("m"), data.get("t"), data.get("p"))  # type: ignore[arg-type]
        params.check_bounds()
        return params

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        self.check_bounds()
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))

    @classmethod
    def calibrate(cls, low: float = 0.5, high: float = 1.0) -> KdfParams:
        """Costs that take between ``low`` and ``high`` seconds here, never below 64 MiB, t=3."""
        params = cls.DEFAULT
        salt = os.urandom(SALT_BYTES)
        for _ in range(6):
            start = time.perf_counter()
            params.derive("calibration", salt)
            took = time.perf_counter() - start
            if took > high and params.memory_kib > cls.MIN_MEMORY_KIB:
                params = cls(max(cls.MIN_MEMORY_KIB, params.memory_kib // 2), 3, params.lanes)
            elif took < low and params.memory_kib < cls.MAX_MEMORY_KIB:
                params = cls(min(cls.MAX_MEMORY_KIB, params.memory_kib * 2), 3, params.lanes)
            else:
                break
        return params


KdfParams.DEFAULT = KdfParams(256 * MIB, 3, 4)
KdfParams.FOR_TESTS = KdfParams(64 * MIB, 1, 1)


def hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(key)


def seal(key: bytes, salt: bytes, info: bytes, plaintext: bytes, ad: bytes) -> bytes:
    """AEAD-seal under a one-use key derived from ``key`` and a fresh ``salt``."""
    return ChaCha20Poly1305(hkdf(key, salt, info)).encrypt(ZERO_NONCE, plaintext, ad)


def unseal(key: bytes, salt: bytes, info: bytes, ciphertext: bytes, ad: bytes) -> bytes:
    """Open a :func:`seal`; raises ``InvalidTag`` if anything was altered."""
    return ChaCha20Poly1305(hkdf(key, salt, info)).decrypt(ZERO_NONCE, ciphertext, ad)


def make_passphrase_slot(
    dek: bytes, passphrase: str, kdf: KdfParams, store_id: str
) -> dict[str, Any]:
    salt = os.urandom(SALT_BYTES)
    kek = kdf.derive(passphrase, salt)
    wrapped = seal(kek, salt, b"ips-field passphrase slot", dek, store_id.encode())
    return {"type": "passphrase", "salt": b64(salt), "wrapped": b64(wrapped)}


def open_passphrase_slot(
    slot: dict[str, Any], passphrase: str, kdf: KdfParams, store_id: str
) -> bytes:
    salt = unb64(slot["salt"])
    kek = kdf.derive(passphrase, salt)
    try:
        return unseal(
            kek, salt, b"ips-field passphrase slot", unb64(slot["wrapped"]), store_id.encode()
        )
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase") from None


def make_recovery_slot(dek: bytes, public_key: X25519PublicKey, store_id: str) -> dict[str, Any]:
    info = b"ips-field recovery slot " + store_id.encode()
    sealed = HPKE_SUITE.encrypt(dek, public_key, info=info)
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"type": "recovery", "recipient": b64(raw), "sealed": b64(sealed)}


def open_recovery_slot(slot: dict[str, Any], private_key: X25519PrivateKey, store_id: str) -> bytes:
    info = b"ips-field recovery slot " + store_id.encode()
    try:
        return HPKE_SUITE.decrypt(unb64(slot["sealed"]), private_key, info=info)
    except Exception:
        raise WrongPassphrase("the recovery key does not open this store") from None
