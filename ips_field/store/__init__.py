"""Encrypted TinyDB storage, repository and locking (no Textual)."""
