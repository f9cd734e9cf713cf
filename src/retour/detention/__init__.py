"""Detention for the purpose of removal (Directive 2008/115/EC Art. 15-17): orders, their end,
the maximum periods; a capability that plugs into the case through the seam (ADR 0011)."""
