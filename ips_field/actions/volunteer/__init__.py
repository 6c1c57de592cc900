"""What a volunteer does, once: the command line and the app call the same functions."""
