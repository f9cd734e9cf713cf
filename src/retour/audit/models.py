"""The access log: every read and write of personal data, append-only, hash-chained."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import pgettext_lazy


class AccessLogEntry(models.Model):
    """Who touched which personal data, when, how and why.

    ``digest`` is an HMAC-SHA256, under the key ``key_id`` names (kept outside the database),
    over the previous entry's digest and this entry's canonical content, so removing,
    reordering or editing an entry breaks the chain (``retour audit verify``), and whoever
    cannot read the key cannot mend it. Entries from before keying have no ``key_id`` and a
    plain SHA-256 digest (ADR 0015).

    Besides reads and writes of personal data, the log records who signed in and out, failed
    sign-ins, refused requests and administrative changes (API tokens issued and revoked too).
    """

    class Operation(models.TextChoices):
        # Words in a context of their own: "read" may be said differently elsewhere.
        READ = "read", pgettext_lazy("access log", "read")
        SEARCH = "search", pgettext_lazy("access log", "found in a search")
        WRITE = "write", pgettext_lazy("access log", "changed")
        EXPORT = "export", pgettext_lazy("access log", "exported")
        SIGN_IN = "sign_in", pgettext_lazy("access log", "signed in")
        SIGN_IN_FAILED = "sign_in_failed", pgettext_lazy("access log", "failed to sign in")
        SIGN_OUT = "sign_out", pgettext_lazy("access log", "signed out")
        REFUSED = "refused", pgettext_lazy("access log", "was refused")
        ADMINISTER = "administer", pgettext_lazy("access log", "changed as administrator")

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    authority = models.CharField(max_length=40, blank=True)
    member_state = models.CharField(max_length=2, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    object_type = models.CharField(max_length=40)
    object_ids = models.JSONField(default=list)
    person_ids = models.JSONField(default=list)
    search_terms = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    channel = models.CharField(max_length=20, blank=True, help_text="web, api, cli, system")
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.username} {self.operation} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the access log is append-only")


class AccessLogPerson(models.Model):
    """One person an access-log entry concerns: the index an audit reads a person's history
    from. Derived from the entry's ``person_ids`` (which the digest covers) and written with it."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.PROTECT, related_name="persons")
    person_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_id", "entry"], name="access_log_person")
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.person_id}"


class ChainHead(models.Model):
    """The single row that serialises appends to the chain (locked while appending)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"access log head at {self.sequence}"


class ChainStart(models.Model):
    """Where the chain begins once its oldest entries have passed their retention period and
    were erased (``retour.audit.segments``): the last erased entry's sequence and digest, which
    the first remaining entry links to, with an HMAC under the chain's key so that nobody
    without the key can move the start to hide more entries. One row, moved forward by each
    erasure; none while nothing was erased."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40)
    seal = models.CharField(max_length=64)
    erased_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"access log starts after entry {self.sequence}"
