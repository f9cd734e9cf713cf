"""The outbox page for administrators: the deliveries to other systems (ADR 0010)."""
