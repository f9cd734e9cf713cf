"""Administration of users, authorities and reference data, for the administrator role only.

Case data are not here: they change only through the action functions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from retour.accounts.models import ApiToken, Authority, User
from retour.accounts.roles import Capability
from retour.accounts.signin.session import recent_authentication_required


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


site = RetourAdminSite(name="retour_admin")


class AdministratorOnly(admin.ModelAdmin):
    """Holders of the administer capability may manage these rows fully."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Authority, site=site)
class AuthorityAdmin(AdministratorOnly):
    list_display = ("code", "name", "kind", "member_state")
    list_filter = ("kind", "member_state")
    search_fields = ("code", "name")


@admin.register(User, site=site)
class RetourUserAdmin(AdministratorOnly, UserAdmin):
    list_display = ("username", "first_name", "last_name", "authority", "is_active")
    list_filter = ("is_active", "authority__member_state", "roles")
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


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(AdministratorOnly):
    list_display = ("hint", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "digest", "hint", "created_at", "last_used_at")
    fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # issued with `retour token create`, which shows the token once
