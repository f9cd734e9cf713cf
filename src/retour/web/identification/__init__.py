"""Identification: documents, the dossier and its evidence per country of return, missions,
and the review of possible matches."""
