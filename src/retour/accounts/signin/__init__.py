"""Signing in (ADR 0014): password, then a one-time code from an authenticator app (TOTP);
lockout tiers after failures; passwords refused when breached or guessable from the context;
a session that ends 12 hours after its sign-in however active; a fresh password and code before
sensitive operations."""
