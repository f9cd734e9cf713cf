"""The case list, the case page with the person on it, a page per business action on the case,
and its history."""
