"""Use cases that combine several records (no Textual): impartiality checks, retention."""
