from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Retour in production: static files, backup and restore (docs/operations.md)."""

    name = "retour.operations"
    label = "operations"
