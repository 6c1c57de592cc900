"""Why a bundle, roster or enrolment file was refused.

Each class carries a default one-line ``reason`` written to the quarantine log. Reasons
never contain names, case ids or note text; ids are left out too (the log sits beside the
quarantined file, which is enough to find it). Catch :class:`ips_field.errors.SyncError`
to handle them all: nothing in ``sync`` lets another exception escape from reading a file.
"""

from __future__ import annotations

from ips_field.errors import SyncError

__all__ = [
    "BadSignature",
    "BundleDamaged",
    "BundleTooLarge",
    "CannotDecrypt",
    "EnrolmentError",
    "InvalidOperation",
    "NotABundle",
    "NotEnrolled",
    "NotForUs",
    "Replayed",
    "RevokedSender",
    "StaleRoster",
    "SyncError",
    "Unauthorised",
    "UnknownSender",
]


class _Reasoned(SyncError):
    """A ``SyncError`` with a default one-line reason (``reason``)."""

    reason = "bundle refused"

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or self.reason)

    @property
    def line(self) -> str:
        """The one-line reason for the quarantine log."""
        return str(self)


class NotABundle(_Reasoned):
    """The file does not start with the bundle magic (wrong file, or empty)."""

    reason = "not a sync bundle"


class BundleTooLarge(_Reasoned):
    """The file, or what it decompresses to, is larger than the hard limit."""

    reason = "bundle is larger than the allowed size"


class BundleDamaged(_Reasoned):
    """Truncated, altered or malformed: decryption, decompression or parsing failed."""

    reason = "bundle is damaged or has been altered"


class NotForUs(_Reasoned):
    """The bundle is addressed to another computer (or cannot be decrypted here)."""

    reason = "bundle is addressed to another computer"


class CannotDecrypt(BundleDamaged, NotForUs):
    """Decryption failed.

    A bundle sealed to someone else and a damaged bundle look the same on purpose (the
    file carries no recipient id), so this is both a :class:`BundleDamaged` and a
    :class:`NotForUs`; test with ``isinstance``.
    """

    reason = "bundle cannot be opened here: damaged, or sealed for another computer"


class UnknownSender(_Reasoned):
    """The signer is not on the roster this computer holds."""

    reason = "bundle comes from a sender not on the roster"


class RevokedSender(_Reasoned):
    """The signer was revoked and the bundle is later than their cut-off sequence."""

    reason = "bundle comes from a revoked volunteer"


class BadSignature(_Reasoned):
    """The Ed25519 signature does not verify with the sender's roster key."""

    reason = "bundle signature does not verify"


class StaleRoster(_Reasoned):
    """The bundle was made under a roster version this computer must not accept."""

    reason = "bundle was made under an out-of-date roster"


class Replayed(_Reasoned):
    """The bundle's sequence number was already seen (raised by the merge layer)."""

    reason = "bundle was already imported"


class InvalidOperation(_Reasoned):
    """An operation inside the bundle is malformed (raised by the merge layer)."""

    reason = "bundle contains an invalid operation"


class Unauthorised(_Reasoned):
    """An operation inside the bundle is not allowed for its sender (merge layer)."""

    reason = "bundle contains an operation its sender may not make"


class EnrolmentError(_Reasoned):
    """An invitation or enrolment reply was refused (wrong code, damaged, unexpected)."""

    reason = "enrolment failed"


class NotEnrolled(_Reasoned):
    """The store has no sync identity yet: a volunteer enrols first; an office runs init."""

    reason = "this computer is not enrolled with an office yet"
