"""Readmission requests (list, request page, steps, drafting from a case) and the scorecard
per third country."""
