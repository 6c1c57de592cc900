"""Domain dataclasses and rules: no I/O, no Textual."""
