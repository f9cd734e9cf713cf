"""Administration of users, authorities and reference data, for the administrator role only.

Case data are not here: they change only through the action functions. What an administrator
may manage, and the four eyes on roles and authorities, are ``retour.accounts.administration``
(ADR 13); every change made here is in the access log, in the transaction of the change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.accounts import administration, recovery
from retour.accounts.models import AccessChangeRequest, ApiToken, Authority, User
from retour.accounts.roles import Capability, RoleCode
from retour.accounts.signin.session import recent_authentication_required
from retour.errors import ActionError, InvalidInput


class RetourAdminSite(admin.AdminSite):
    site_header = "Retour administration"
    site_title = "Retour administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_authenticated and user.can(Capability.ADMINISTER))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Retour's own sign-in (password and code), never the admin's password-only form."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse(f"{self.name}:index"))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Every page of the administration asks for a recent password and code (ADR 0014);
        signing out does not."""
        if view != self.logout:
            view = recent_authentication_required(view)
        return super().admin_view(view, cacheable)

    def index(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """The first page says when changes of access wait for this administrator's decision."""
        waiting = administration.decidable_requests(request.user).count()
        if waiting:
            messages.info(request, ngettext(
                "%(count)d change of roles or authority waits for your decision.",
                "%(count)d changes of roles or authority wait for your decision.", waiting,
            ) % {"count": waiting})
        return super().index(request, extra_context)


site = RetourAdminSite(name="retour_admin")


class AdministratorOnly(admin.ModelAdmin):
    """Holders of the administer capability may manage these rows; every addition and change
    goes to the access log as well as to the administration's own history."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.jurisdiction(obj) not in (
            None, administration.administered_jurisdiction(request.user)
        ):
            return False
        return site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Reference data that belong to one jurisdiction (a member state's, or "EU" for Union law)
    # are changed only by administrators of that jurisdiction (ADR 13); other rows by any.
    jurisdiction_field: str | None = None

    def jurisdiction(self, obj: Any) -> str | None:
        return getattr(obj, self.jurisdiction_field) if self.jurisdiction_field else None

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == self.jurisdiction_field:
            own = administration.administered_jurisdiction(request.user)
            return forms.ChoiceField(  # a new row is in the administrator's own jurisdiction
                label=db_field.verbose_name, choices=[(own, own)], initial=own,
                help_text=_("The jurisdiction you administer."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._record(request, obj, entry)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._record(request, obj, entry)
        return entry

    def _record(self, request: HttpRequest, obj: Any, entry: Any) -> None:
        if entry.change_message == "[]":
            return  # nothing was changed directly (a change asked for is logged when asked)
        with translation.override("en"):  # the log is read in one language
            words = entry.get_change_message()
        administration.record(request.user, obj._meta.model_name, [obj.pk], f"{obj}: {words}")


class WithinAdministeredScope(AdministratorOnly):
    """Rows outside the administrator's member state do not exist here (404, as elsewhere)."""

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scoped(request, super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("There is no such record."))
        return obj


@admin.register(Authority, site=site)
class AuthorityAdmin(WithinAdministeredScope):
    """An authority's member state is set when it is added (the administrator's own) and never
    moved afterwards: moving it would move its users to another member state."""

    list_display = ("code", "name", "kind", "member_state")
    list_filter = ("kind",)
    search_fields = ("code", "name")

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=administration.administered_authorities(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code", "member_state") if obj is not None else ("member_state",)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest,
                                   **kwargs: Any) -> Any:
        if db_field.name == "kind":  # an EU body is one with no member state, and only that
            eu = administration.administered_member_state(request.user) is None
            kwargs["choices"] = [("", "---------")] + [
                (kind, label) for kind, label in Authority.Kind.choices
                if (kind == Authority.Kind.EU_BODY) == eu
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.member_state_id = administration.administered_member_state(request.user)
        super().save_model(request, obj, form, change)


class UserAccessForm(forms.ModelForm):
    """Checks a change of roles or authority before anything is saved, naming the field."""

    administrator: Any = None  # set per request by ``RetourUserAdmin.get_form``

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not {"roles", "authority"} & set(self.changed_data):
            return cleaned
        try:
            administration.check_access_change(
                self.administrator, self.instance if self.instance.pk else None,
                self.cleaned_data.get("roles") or (),
                self.cleaned_data.get("authority"),
            )
        except InvalidInput as exc:
            for name, reason in exc.errors.items():
                self.add_error(name if name in self.fields else None, reason)
        return cleaned


@admin.register(User, site=site)
class RetourUserAdmin(WithinAdministeredScope, UserAdmin):
    """Users of the administrator's member state. Roles and authority shown in the form are
    asked for, not set: the change waits for a second administrator
    (``AccessChangeRequestAdmin``). Nobody changes their own, nor another administrator's
    password (that would let one administrator act as two)."""

    list_display = ("username", "first_name", "last_name", "authority", "is_active")
    list_filter = ("is_active", "roles")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "authority", "roles")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "authority", "roles")}),
    )
    filter_horizontal = ("roles",)
    readonly_fields = ("last_login", "date_joined")

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=administration.administered_users(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk == request.user.pk:
            return (*self.readonly_fields, "is_active", "authority", "roles")
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # Mixed in here: the add form and the change form are different classes.
        checked: Any = type(form.__name__, (UserAccessForm, form), {"administrator": request.user})
        if "authority" in checked.base_fields:
            checked.base_fields["authority"].queryset = (
                administration.administered_authorities(request.user)
            )
            checked.base_fields["authority"].required = True
        return checked

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        roles = form.cleaned_data.pop("roles", None)  # never saved by the form: asked for
        asked = {"roles", "authority"} & set(form.changed_data)
        if change and asked:
            obj.authority_id = User.objects.get(pk=obj.pk).authority_id  # asked, not set
            for name in asked:
                form.changed_data.remove(name)  # the history says what was done, not asked
        super().save_model(request, obj, form, change)
        if asked and roles is not None:
            requested = administration.request_access_change(
                request.user, obj, roles, form.cleaned_data["authority"]
            )
            if requested is not None:
                messages.info(request, _(
                    "The change of roles or authority waits for another administrator's approval."
                ))

    actions = ("end_sessions", "remove_second_factor", "lift_lockout")

    def _recover(self, request: HttpRequest, act: Any, queryset: QuerySet[Any], done: str) -> None:
        users = list(queryset)
        if not users:  # keys outside the administrator's scope are dropped by the queryset
            self.message_user(request, _("There is no such user."), messages.ERROR)
            return
        try:
            act(request.user, users)
        except ActionError as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(request, done % {"count": len(users)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Sign out everywhere (sessions and API tokens)"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._recover(request, recovery.end_sessions, queryset,
                      _("Signed out everywhere: %(count)d user(s)."))

    @admin.action(description=gettext_lazy(
        "Remove the second factor (a new one is set up at the next sign-in)"))
    def remove_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._recover(request, recovery.remove_second_factor, queryset,
                      _("Second factor removed and signed out: %(count)d user(s). Tell them "
                        "to sign in and set up a new one now."))

    @admin.action(description=gettext_lazy("Lift the sign-in lockout"))
    def lift_lockout(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._recover(request, recovery.lift_lockout, queryset,
                      _("Sign-in lockout lifted: %(count)d user(s)."))

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        target = self.get_object(request, id)
        if target.pk != request.user.pk and RoleCode.ADMINISTRATOR in target.role_codes:
            raise PermissionDenied
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(WithinAdministeredScope):
    list_display = ("hint", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "digest", "hint", "created_at", "last_used_at")
    fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user__in=administration.administered_users(request.user))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # issued with `retour token create`, which shows the token once


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve and apply")),
                 ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, max_length=1000)
    administrator: Any = None

    class Meta:
        model = AccessChangeRequest
        fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        try:
            administration.check_decision(
                self.administrator, self.instance, self.cleaned_data.get("reason", ""),
                approving=self.cleaned_data.get("decision") == "approve",
            )
        except InvalidInput as exc:
            for name, reason in exc.errors.items():
                self.add_error(name if name in self.fields else None, reason)
        except ActionError as exc:
            self.add_error(None, str(exc))
        return cleaned


@admin.register(AccessChangeRequest, site=site)
class AccessChangeRequestAdmin(WithinAdministeredScope):
    """The changes of roles and authority waiting for a second administrator, and the ones
    decided. Only another administrator than the requester and the user concerned decides."""

    form = DecisionForm
    list_display = ("target", "requested_by", "requested_at", "status", "decided_by")
    list_filter = ("status",)
    readonly_fields = ("target", "roles_asked", "authority_asked", "requested_by",
                       "requested_at", "status", "decided_by", "decided_at", "decision_reason")

    def scoped(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(target__in=administration.administered_users(request.user))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> Any:
        # Django's "Change change of roles or authority" would say nothing a person can act on.
        context = {"title": gettext_lazy("Approve or reject a change of roles or authority"),
                   **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=gettext_lazy("roles"))
    def roles_asked(self, obj: AccessChangeRequest) -> str:
        def words(codes: list[str]) -> str:
            return ", ".join(str(RoleCode(code).label) for code in codes) or "—"
        return f"{words(obj.roles_before)} → {words(obj.roles_after)}"

    @admin.display(description=gettext_lazy("authority"))
    def authority_asked(self, obj: AccessChangeRequest) -> str:
        return f"{obj.authority_before or '—'} → {obj.authority_after or '—'}"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # asked for on the user's page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return super().has_change_permission(request, obj) and (
            administration.decidable_requests(request.user).filter(pk=obj.pk).exists()
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.has_change_permission(request, obj):
            return (*self.readonly_fields, "decision", "reason")
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        form.administrator = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        decide = (administration.approve if form.cleaned_data["decision"] == "approve"
                  else administration.reject)
        decided = decide(request.user, obj, form.cleaned_data["reason"])
        obj.status = decided.status  # the admin's message speaks of the decision

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # The decision was logged by ``approve``/``reject``; the history keeps its own line.
        return admin.ModelAdmin.log_change(self, request, obj, message)
