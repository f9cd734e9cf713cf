"""The seam every capability plugs into: typed event types, actions declared once, projections
contributed per app, and reactions to events in the action's transaction.

An app declares here what it owns (``events.declare``, ``actions.register``,
``projections.contribute``, ``reactions.on``); the case core, the API, the pages, the
statistics extract and the outbox read these registries and never name the app. ADR 0011.
"""
