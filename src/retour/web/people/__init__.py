"""Registering a person, opening a case for them, recording a vulnerability."""
