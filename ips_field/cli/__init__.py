"""Command lines: ``ips-field`` (volunteer.py) and ``ips-office`` (office.py)."""
