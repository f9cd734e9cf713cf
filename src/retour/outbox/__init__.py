"""The transactional outbox: messages written in the action's transaction, delivered to the
subscribers (adapters to other systems, notifiers) by workers, at least once, in order per
case. ADR 0010."""
