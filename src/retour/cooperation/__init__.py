"""The person's cooperation with the return procedure (BRIEF M10): acts of non-cooperation or
obstruction, their evidence and what they led to; plugs into the case through the seam."""
