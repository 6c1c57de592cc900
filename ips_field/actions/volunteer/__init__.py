"""The volunteer's use cases that a screen and the palette (or a command) share."""
