"""A user's sessions: each sign-in is a ``SignedInSession`` row that the session refers to, so
the user can see where they are signed in and end any of them (ASVS 7.5.2), an administrator
can end them all (``retour.accounts.recovery``), and one account has at most
``SESSIONS_PER_USER`` sessions at once: a new sign-in ends the one used least recently beyond
that (ASVS 7.1.2; ADR 14). An ended session is signed out at its next request."""
