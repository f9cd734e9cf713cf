"""Users, the authorities they belong to, their roles and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from retour.accounts.roles import Capability, RoleCode, capabilities_of


class Authority(models.Model):
    """A public body of a member state that takes part in the return procedure."""

    class Kind(models.TextChoices):
        ASYLUM_SERVICE = "asylum_service", "Asylum service"
        IMMIGRATION_SERVICE = "immigration_service", "Immigration service"
        RETURN_SERVICE = "return_service", "Return service"
        POLICE = "police", "Police"
        BORDER_GUARD = "border_guard", "Border guard"
        DETENTION_AGENCY = "detention_agency", "Detention agency"
        COUNSELLING_SERVICE = "counselling_service", "Return counselling service"
        COURT = "court", "Court or tribunal"
        EU_BODY = "eu_body", "EU body"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    member_state = models.ForeignKey(
        "reference.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorities",
        help_text="Empty only for EU bodies, which hold no personal data.",
    )

    class Meta:
        ordering = ["member_state_id", "name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.member_state_id or 'EU'})"


class Role(models.Model):
    code = models.CharField(max_length=40, primary_key=True, choices=RoleCode.choices)

    def __str__(self) -> str:
        return RoleCode(self.code).label


class User(AbstractUser):
    """A person who works with Retour: one authority, one or more roles."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    sessions_ended_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When an administrator last ended every session of the user "
                  "(retour.accounts.recovery).")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django keeps this hash in each session and signs a session out when it no longer
        # matches (as after a password change); the moment the sessions were ended is part of
        # it, so ending them needs no search through every stored session.
        key_salt = "retour.accounts.models.User.get_session_auth_hash"
        ended = self.sessions_ended_at.isoformat() if self.sessions_ended_at else ""
        return salted_hmac(key_salt, f"{self.password}|{ended}", secret=secret,
                           algorithm="sha256").hexdigest()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("code", flat=True))

    @cached_property
    def capabilities(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return capabilities_of(self.role_codes)

    def can(self, capability: Capability | str) -> bool:
        return capability in self.capabilities

    @property
    def member_state_code(self) -> str | None:
        return self.authority.member_state_id if self.authority_id and self.authority else None


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored, the token is shown once."""

    PREFIX = "rtr_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to recognise the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user.username}: {self.name})"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, digest=cls.digest_of(raw), hint=raw[: len(cls.PREFIX) + 6]
        )
        return token, raw


class AccessChangeRequest(models.Model):
    """A change of a user's roles or authority, waiting for a second administrator.

    Four eyes: the change is applied only when another administrator of the same member state
    (neither the one who asked nor the user concerned) approves it (``retour.accounts.
    administration``; ADR 13)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved and applied")
        REJECTED = "rejected", _("rejected")

    target = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="access_change_requests",
        verbose_name=_("user concerned"),
    )
    # The member state whose administrators decide (empty: the EU bodies').
    member_state = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    roles_before = models.JSONField(default=list)
    roles_after = models.JSONField(default=list)
    authority_before = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authority_after = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("change of roles or authority")
        verbose_name_plural = _("changes of roles or authority")
        constraints = [
            # One open request per user: a second would be decided against a stale "before".
            models.UniqueConstraint(
                fields=["target"], condition=models.Q(status="pending"),
                name="one_pending_access_change_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.username}: {self.get_status_display()}"


class SignedInSession(models.Model):
    """One sign-in of a user, while it lasts and a while after: what the user sees of their
    sessions and may end (ASVS 7.5.2), and what counts towards the sessions one account may
    have at once (7.1.2; ``retour.accounts.sessions``). The session refers to this row; the
    row does not hold the session's key."""

    class Ending(models.TextChoices):
        SIGNED_OUT = "signed_out", _("signed out")
        BY_THE_USER = "by_the_user", _("ended from another session")
        BY_AN_ADMINISTRATOR = "by_an_administrator", _("ended by an administrator")
        TOO_MANY = "too_many", _("ended by a newer sign-in (too many sessions)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ending = models.CharField(max_length=20, choices=Ending.choices, blank=True)
    browser = models.CharField(max_length=100, blank=True,
                               help_text="The browser and system, as the browser names them.")
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="signed_in_session_open_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} signed in at {self.signed_in_at:%Y-%m-%d %H:%M}"
