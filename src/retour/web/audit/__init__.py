"""The access history of a person, for auditors and data-protection officers."""
