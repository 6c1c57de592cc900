"""Packaged service profiles (YAML); a package only so the files ship in the wheel."""
