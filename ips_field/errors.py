"""Errors the user may see. Each carries one plain line: no names, no note text, no secrets."""

from __future__ import annotations


class IpsError(Exception):
    """Base for every error shown to a user as a single line."""

    def __str__(self) -> str:
        text = super().__str__()
        return text.splitlines()[0] if text else self.__class__.__name__


class StoreError(IpsError):
    """Something is wrong with an encrypted store."""


class StoreNotFound(StoreError):
    pass


class StoreExists(StoreError):
    pass


class WrongPassphrase(StoreError):
    """The passphrase slot failed to open: the passphrase is wrong."""


class StoreDamaged(StoreError):
    """The file is damaged or has been altered (body or header fails authentication)."""


class UnsafeKdfParameters(StoreDamaged):
    """The header asks for key-derivation costs outside the allowed bounds."""


class StoreInUse(StoreError):
    """Another process holds the store's lock."""


class StoreLocked(StoreError):
    """The session was locked (auto-lock or quick-lock): the key is gone until unlock."""


class StoreWriteError(StoreError):
    """A write failed (disk full, permissions); nothing was changed."""


class ValidationError(IpsError):
    """Field-level validation errors: ``errors`` maps field name to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors.items()), ("record", "invalid"))
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first[0]}: {first[1]}{more}")

    @property
    def plain(self) -> str:
        """The first message alone, for a screen (no internal field name such as
        ``case_id``); the others are counted."""
        first = next(iter(self.errors.values()), "invalid")
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        return f"{first}{more}"


class TemplateError(IpsError):
    """A template file is broken: the message names file, line and field."""


class SyncError(IpsError):
    """A bundle was refused; the message is the one-line quarantine reason."""
