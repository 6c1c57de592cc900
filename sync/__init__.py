"""Signed, encrypted sync bundles between volunteers and the office (no Textual)."""
