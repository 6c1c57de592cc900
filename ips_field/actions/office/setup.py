"""Making and opening the office's master record, and the offline recovery key."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ips_field.domain.clock import Clock
from ips_field.errors import IpsError, WrongPassphrase
from ips_field.store.crypto import KdfParams, seal, unseal
from ips_field.store.files import write_new_file
from ips_field.store.osdeps import read_all
from ips_field.store.store import Store
from sync.erasure import finish_owed_scrub
from sync.keys import IDENTITY_DOC, IDENTITY_TABLE
from sync.node import SyncNode, b64
from sync.roster import Roster, sign_roster

RECOVERY_MAGIC = b"IPSRK\x01"


def init_office(
    path: Path,
    passphrase: str,
    recovery_passphrase: str,
    recovery_out: Path,
    *,
    kdf: KdfParams | None = None,
) -> SyncNode:
    """A new master record, its signed roster, and the offline recovery key file."""
    if Path(recovery_out).exists():
        raise IpsError("the recovery key file already exists; nothing was changed")
    store = Store.create(path, passphrase, kdf=kdf)
    node = SyncNode.create(store, "office")
    recovery = X25519PrivateKey.generate()
    write_recovery_key(recovery, recovery_out, recovery_passphrase, kdf=kdf)
    public = recovery.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with store.transaction():
        node.save_state(
            roster=b64(
                sign_roster(
                    Roster.initial(node.identity.public, clock=node.repo.time), node.identity
                )
            ),
            roster_version=1,
            recovery_public=b64(public),
        )
    return node


def office_node(store: Any, *, clock: Clock | None = None) -> SyncNode:
    """The office node of an open master record; a volunteer's store (enrolled or not) is
    refused without writing to it (a new identity would otherwise be created in it)."""
    doc = store.table(IDENTITY_TABLE).get_id(IDENTITY_DOC)
    if doc is None or doc.get("role") != "office":
        raise IpsError("that store is not an office master record")
    finish_owed_scrub(store)  # an erasure interrupted before its scrub is finished now
    return SyncNode(store, "office", clock=clock)


def open_office(path: Path, passphrase: str) -> SyncNode:
    store = Store.open(path, passphrase)
    try:
        return office_node(store)
    except IpsError:
        store.close()
        raise


def write_recovery_key(
    key: X25519PrivateKey, out: Path, passphrase: str, *, kdf: KdfParams | None = None
) -> None:
    """The recovery private key, sealed under its own passphrase (Argon2id + ChaCha20-Poly1305)."""
    kdf = kdf or KdfParams.calibrate()
    salt = os.urandom(16)
    raw = key.private_bytes_raw()
    sealed = seal(
        kdf.derive(passphrase, salt), salt, b"ips-field recovery key", raw, RECOVERY_MAGIC
    )
    header = json.dumps(kdf.to_dict()).encode()
    blob = RECOVERY_MAGIC + len(header).to_bytes(2, "big") + header + salt + sealed
    write_new_file(Path(out), blob)  # binary (a text-mode write turns 0x0A into CRLF)


def read_recovery_key(path: Path, passphrase: str) -> X25519PrivateKey:
    blob = read_all(Path(path))
    if not blob.startswith(RECOVERY_MAGIC):
        raise IpsError("not a recovery key file")
    n = int.from_bytes(blob[6:8], "big")
    try:
        kdf = KdfParams.from_dict(json.loads(blob[8 : 8 + n]))
    except (ValueError, RecursionError):
        raise IpsError("the recovery key file is damaged or was altered") from None
    salt, sealed = blob[8 + n : 24 + n], blob[24 + n :]
    if len(salt) != 16 or len(sealed) != 48:
        raise IpsError("the recovery key file is damaged or was altered")
    try:
        raw = unseal(
            kdf.derive(passphrase, salt), salt, b"ips-field recovery key", sealed, RECOVERY_MAGIC
        )
    except InvalidTag:
        raise WrongPassphrase("wrong recovery passphrase") from None
    return X25519PrivateKey.from_private_bytes(raw)


def recover_volunteer_store(
    store_path: Path, key_file: Path, key_passphrase: str, new_passphrase: str
) -> None:
    """Passphrase recovery: open a volunteer's store with the offline key, set a new passphrase."""
    key = read_recovery_key(key_file, key_passphrase)
    with Store.open_with_recovery(store_path, key) as store:
        store.change_passphrase(new_passphrase)
