"""Retour: return case management for member states and EU coordination."""
