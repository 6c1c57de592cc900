"""Fictional demo stores: a volunteer's (volunteer.py), an office of four (office.py)."""
