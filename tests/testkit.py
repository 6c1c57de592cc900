"""The negative test kit: one bundle file per failure mode, with its expected outcome.

**Test kit only.** Every key here comes from fixed bytes
(``Ed25519PrivateKey.from_private_bytes(sha256(b"kit-sign-" + name))`` and likewise for
X25519), and the receivers' secret keys are written into ``manifest.json``: they protect
nothing and must never be used for real data. Keys, node ids, payloads and outcomes are
deterministic; the bundle *bytes* still differ between runs because HPKE draws a fresh
ephemeral key that the ``cryptography`` API does not let us seed.

Each :class:`KitCase` says who opens the file (``receiver``: ``"office"`` or
``"volunteer_a"``, both holding :func:`kit_roster`), at which stage the outcome is decided
(``"open"``: :func:`sync.bundle.open_bundle`; ``"import"``: it opens fine and the merge
layer must give ``expected``) and, for the replay case, which case to import first
(``after``). Compare errors with ``isinstance`` (:meth:`KitCase.matches`): a bundle sealed
to someone else raises :class:`sync.bundle.AddressedElsewhere`, a ``NotForUs`` (the
recipient tag tells it apart from damage). Import-stage cases are meant for a fresh
receiver store set up with ``manifest["setup"]`` (:func:`kit_setup_records`).

Run ``python -m tests.testkit OUT_DIR`` to write the files and ``manifest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync import errors
from sync.bundle import (
    FLAG_ZLIB,
    HEADER_LEN,
    MAGIC,
    MAX_BUNDLE_BYTES,
    MAX_PAYLOAD_BYTES,
    encrypt_frame,
    make_frame,
    open_bundle_file,
    seal_bundle,
)
from sync.canonical import canonical_json
from sync.errors import SyncError
from sync.keys import NodeIdentity, b64e, fingerprint_bytes
from sync.roster import Roster, RosterEntry, sign_roster

__all__ = [
    "KIT_DATE",
    "KitCase",
    "generate_kit",
    "kit_case_of_b",
    "kit_identities",
    "kit_roster",
    "kit_setup_records",
    "main",
    "open_case",
]

KIT_DATE = "2026-01-05"
KIT_TIME = "2026-01-05T10:00:00+00:00"
KIT_WALL_MS = 1_767_607_200_000
ROSTER_VERSION = 3
REVOKED_AFTER_SEQ = 2
NAMES = {
    "office": "office",
    "volunteer_a": "volunteer",
    "volunteer_b": "volunteer",
    "revoked": "volunteer",
    "stranger": "volunteer",
}
#: Plain text placed in the kit's operations, for "no plaintext in bytes" scans.
KIT_MARKERS = ("KIT-REF-0001", "Kit Test Primary School", "KIT-REF-0002", "Kitmarker Family")


def _kit_uuid(label: str) -> str:
    return str(
        uuid.UUID(bytes=hashlib.sha256(b"kit-id-" + label.encode()).digest()[:16], version=4)
    )


def _identity(name: str) -> NodeIdentity:
    return NodeIdentity(
        node_id=_kit_uuid(name),
        role=NAMES[name],
        sign_key=Ed25519PrivateKey.from_private_bytes(
            hashlib.sha256(b"kit-sign-" + name.encode()).digest()
        ),
        box_key=X25519PrivateKey.from_private_bytes(
            hashlib.sha256(b"kit-box-" + name.encode()).digest()
        ),
    )


def kit_identities() -> dict[str, NodeIdentity]:
    """The kit's nodes: office, volunteer_a, volunteer_b, revoked, stranger (not listed)."""
    return {name: _identity(name) for name in NAMES}


def kit_roster() -> Roster:
    """Roster version 3 held by both receivers: A and B active, ``revoked`` cut off at 2."""
    ids = kit_identities()
    entries = {
        ids[n].node_id: RosterEntry(public=ids[n].public, enrolled_on="2026-01-01")
        for n in ("volunteer_a", "volunteer_b")
    }
    entries[ids["revoked"].node_id] = RosterEntry(
        public=ids["revoked"].public,
        status="revoked",
        revoked_after_seq=REVOKED_AFTER_SEQ,
        enrolled_on="2026-01-01",
        revoked_on="2026-01-04",
        revoked_in_version=ROSTER_VERSION,
    )
    return Roster(
        ROSTER_VERSION, ids["office"].public, entries, issued_at="2026-01-04T09:00:00+00:00"
    )


def kit_case_of_b() -> str:
    """Id of the case the receiving office has assigned to volunteer B."""
    return _kit_uuid("case-of-b")


def kit_setup_records() -> list[dict[str, Any]]:
    """Records the office store must hold before import-stage cases: B's case."""
    ids = kit_identities()
    stamp = [KIT_WALL_MS - 86_400_000, 0, ids["office"].node_id]
    fields = _case_fields("KIT-REF-0002", ids["volunteer_b"].node_id)
    return [
        {
            "id": kit_case_of_b(),
            "kind": "case",
            "created_at": "2026-01-04T10:00:00+00:00",
            "updated_at": "2026-01-04T10:00:00+00:00",
            "origin": ids["office"].node_id,
            "deleted": False,
            "clocks": {name: stamp for name in fields},
            **fields,
        }
    ]


def _case_fields(reference: str, assigned_to: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "status": "open",
        "school": "Kit Test Primary School",
        "setting_type": "school",
        "local_authority": "",
        "la_contacts": [],
        "assigned_to": assigned_to,
        "opened_on": KIT_DATE,
        "closed_on": None,
        "outcome": "",
        "summary": "",
        "safeguarding": "",
        "blocked_reason": "",
        "office_confirmed_on": None,
    }


def _op(
    origin: str, n: int, kind: str, record_id: str, case_id: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    stamp = [KIT_WALL_MS + n, 0, origin]
    return {
        "id": _kit_uuid(f"op-{origin}-{n}"),
        "seq": n,
        "origin": origin,
        "kind": kind,
        "record_id": record_id,
        "case_id": case_id,
        "action": "put",
        "fields": fields,
        "clocks": {name: stamp for name in fields if name not in ("created_at", "origin")},
        "at": KIT_TIME,
    }


@dataclass(frozen=True)
class KitCase:
    """One kit file and what must happen to it."""

    name: str
    path: Path
    expected: str  # an error class name from sync.errors, or "ok", or "replay"
    stage: str = "open"  # "open": decided by open_bundle; "import": by the merge layer
    receiver: str = "office"  # kit identity that opens it
    after: str | None = None  # import this case first (replay)
    about: str = ""

    def matches(self, exc: BaseException | None) -> bool:
        """Does ``exc`` (``None`` for success) match :attr:`expected` at the open stage?"""
        if self.stage == "import" or self.expected == "ok":
            return exc is None
        return isinstance(exc, getattr(errors, self.expected))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.path.name,
            "expected": self.expected,
            "stage": self.stage,
            "receiver": self.receiver,
            "after": self.after,
            "about": self.about,
        }


def _payload(
    sender: NodeIdentity, recipient: NodeIdentity, seq: int, **extra: Any
) -> dict[str, Any]:
    payload = {
        "v": 1,
        "bundle_id": _kit_uuid(f"bundle-{sender.node_id}-{recipient.node_id}-{seq}"),
        "sender": sender.node_id,
        "recipient": recipient.node_id,
        "seq": seq,
        "ack": 0,
        "roster_version": ROSTER_VERSION,
        "hlc": [KIT_WALL_MS + seq, 0, sender.node_id],
        "ops": [],
    }
    payload.update(extra)
    return payload


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x04
    return bytes(out)


def _build() -> list[tuple[str, bytes, str, dict[str, Any]]]:
    """(name, bytes, expected, options) for every case."""
    ids = kit_identities()
    office, a, b = ids["office"], ids["volunteer_a"], ids["volunteer_b"]
    revoked, stranger = ids["revoked"], ids["stranger"]
    new_case = _kit_uuid("case-new-of-a")
    created = {"created_at": KIT_TIME, "origin": a.node_id}
    ok_ops = [
        _op(
            a.node_id,
            1,
            "case",
            new_case,
            new_case,
            {**_case_fields("KIT-REF-0001", a.node_id), **created},
        )
    ]
    ok = seal_bundle(_payload(a, office, 1, ops=ok_ops), a, office.public)

    def sealed(sender: NodeIdentity, to: NodeIdentity, seq: int, **extra: Any) -> bytes:
        return seal_bundle(_payload(sender, to, seq, **extra), sender, to.public)

    def raw(body: Any, signer: NodeIdentity = a, to: NodeIdentity = office, **frame: Any) -> bytes:
        data = body if isinstance(body, bytes) else canonical_json(body)
        return encrypt_frame(make_frame(data, signer, to.public, **frame), to.public)

    bomb = zlib.compress(bytes(MAX_PAYLOAD_BYTES + 1024 * 1024), 9)
    bomb_bundle = raw(b"", content=bomb, flag=FLAG_ZLIB)
    padded = bytearray(make_frame(canonical_json(_payload(a, office, 1)), a, office.public))
    padded[-1] = 1
    deep: Any = []
    for _ in range(100):
        deep = [deep]
    enc_at, ct_at = HEADER_LEN + 5, len(ok) // 2
    malformed_op = {"id": "not-a-uuid", "kind": "spaceship", "action": "launch", "fields": 7}
    unauthorised_op = _op(
        a.node_id, 3, "case", kit_case_of_b(), kit_case_of_b(), {"summary": "edited by A"}
    )
    bad_header = raw({**_payload(a, office, 1), "seq": "one"})
    return [
        ("ok", ok, "ok", {"about": "valid bundle from volunteer A to the office"}),
        ("empty", b"", "NotABundle", {}),
        ("bad_magic", b"NOTABNDL" + ok[8:], "NotABundle", {}),
        ("flip_magic", _flip(ok, 3), "NotABundle", {"about": "bit flip in the magic"}),
        ("flip_enc", _flip(ok, enc_at), "BundleDamaged", {"about": "bit flip in HPKE enc"}),
        ("flip_ciphertext", _flip(ok, ct_at), "BundleDamaged", {}),
        ("flip_tag", _flip(ok, len(ok) - 1), "BundleDamaged", {"about": "bit flip in the tag"}),
        ("truncated", ok[:-1], "BundleDamaged", {"about": "last byte cut off"}),
        ("truncated_to_magic", ok[: len(MAGIC) + 3], "BundleDamaged", {}),
        ("extended", ok + b"\0", "BundleDamaged", {"about": "one byte appended"}),
        ("oversized", MAGIC + bytes(MAX_BUNDLE_BYTES), "BundleTooLarge", {}),
        ("decompression_bomb", bomb_bundle, "BundleTooLarge", {}),
        ("nonzero_padding", encrypt_frame(bytes(padded), office.public), "BundleDamaged", {}),
        ("not_json", raw(b"\xff{not json", compress=False), "BundleDamaged", {}),
        ("malformed_header", bad_header, "BundleDamaged", {"about": "seq is not a number"}),
        ("too_deep", sealed(a, office, 1, ops=[deep]), "BundleDamaged", {}),
        ("wrong_recipient", sealed(a, b, 1), "NotForUs", {"about": "sealed to volunteer B"}),
        (
            "signed_for_other_recipient",
            raw(_payload(a, b, 1)),
            "NotForUs",
            {"about": "signed for B, sealed to the office"},
        ),
        ("unknown_signer", sealed(stranger, office, 1), "UnknownSender", {}),
        (
            "forged_sender",
            raw(_payload(a, office, 1), stranger, sender_fp=fingerprint_bytes(a.public)),
            "BadSignature",
            {"about": "claims to be A, signed by a stranger"},
        ),
        ("revoked_signer", sealed(revoked, office, REVOKED_AFTER_SEQ + 1), "RevokedSender", {}),
        (
            "revoked_before_cutoff",
            sealed(revoked, office, REVOKED_AFTER_SEQ),
            "ok",
            {"about": "revoked volunteer's bundle made before the cut-off"},
        ),
        (
            "old_roster",
            sealed(office, a, 2, roster_version=ROSTER_VERSION - 1),
            "StaleRoster",
            {"receiver": "volunteer_a", "about": "office bundle made under an older roster"},
        ),
        (
            "unknown_roster_version",
            sealed(a, office, 1, roster_version=ROSTER_VERSION + 4),
            "StaleRoster",
            {"about": "volunteer names a roster the office never issued"},
        ),
        ("replay", ok, "replay", {"stage": "import", "after": "ok"}),
        (
            "malformed_operation",
            sealed(a, office, 2, ops=[malformed_op]),
            "InvalidOperation",
            {"stage": "import"},
        ),
        (
            "unauthorised_operation",
            sealed(a, office, 3, ops=[unauthorised_op]),
            "Unauthorised",
            {"stage": "import", "about": "A edits a case the office assigned to B"},
        ),
        ("office_to_volunteer", sealed(office, a, 1), "ok", {"receiver": "volunteer_a"}),
    ]


def open_case(case: KitCase) -> tuple[dict[str, Any] | None, SyncError | None]:
    """Open ``case``'s file as its receiver with :func:`kit_roster`: (payload, error)."""
    me = kit_identities()[case.receiver]
    try:
        return open_bundle_file(case.path, me, kit_roster()), None
    except SyncError as exc:
        return None, exc


def generate_kit(out_dir: str | Path) -> list[KitCase]:
    """Write every kit file (``<name>.ipsb``) and ``manifest.json`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, data, expected, options in _build():
        path = out / f"{name}.ipsb"
        path.write_bytes(data)
        cases.append(KitCase(name=name, path=path, expected=expected, **options))
    ids = kit_identities()
    manifest = {
        "version": 1,
        "warning": "TEST KIT ONLY: these keys are public and protect nothing",
        "cases": [case.to_dict() for case in cases],
        "receivers": {n: ids[n].to_secret_dict() for n in ("office", "volunteer_a")},
        "roster": b64e(sign_roster(kit_roster(), ids["office"])),
        "setup": {"office": kit_setup_records()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testkit", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    cases = generate_kit(args.out_dir)
    for case in cases:
        print(f"{case.name:28} {case.stage:6} {case.expected}")
    print(f"{len(cases)} files and manifest.json written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
