"""Packaged YAML templates and their loader."""
