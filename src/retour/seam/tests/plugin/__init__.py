"""A capability that exists only to prove the seam: welfare visits to a person whose case is
open. Everything it adds lives in this folder (its model, procedure row, input, action, event
type, projection and outbox subscriber); installed with ``RETOUR_EXTRA_APPS``, it appears in
the API, the pages, the history, the statistics extract and the outbox without an edit to any
other file (``../test_plugin.py`` checks both)."""
