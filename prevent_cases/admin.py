"""The admin site: administrators manage areas, agencies, users and memberships.

Nobody is a Django superuser in normal running, so access is decided by the user's
membership role rather than by Django's model permissions. Case data is never here.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.decorators import method_decorator

from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.policy import is_administrator
from prevent_cases.selectors import membership_for_user


def _request_is_administrator(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return is_administrator(membership_for_user(user))


class AdministratorsAdminSite(admin.AdminSite):
    site_header = "Prevent case management administration"
    site_title = "Administration"
    index_title = "Agencies and users"

    def has_permission(self, request: HttpRequest) -> bool:
        return _request_is_administrator(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def refuse_non_administrators(request, *args, **kwargs):
            # Django would send a signed-in non-administrator to the admin's own sign-in
            # form; in this service they are simply refused.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("Only administrators may use the admin site.")
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_non_administrators, inner)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        # One sign-in page for the whole service; a signed-in non-administrator is refused.
        if request.user.is_authenticated:
            raise PermissionDenied("Only administrators may use the admin site.")
        return redirect_to_login(request.GET.get("next", "/admin/"))


admin_site = AdministratorsAdminSite(name="admin")


class AdministratorOnlyMixin:
    """Every admin page and action is open to administrators and nobody else."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _request_is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _request_is_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return _request_is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _request_is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Agencies, areas and users are deactivated, never deleted: history refers to them.
        return False


@admin.register(Area, site=admin_site)
class AreaAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Agency, site=admin_site)
class AgencyAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "area", "is_active"]
    search_fields = ["name"]
    list_select_related = ["area"]


class MembershipInline(AdministratorOnlyMixin, admin.StackedInline):
    model = Membership
    can_delete = False
    min_num = 1
    max_num = 1


@admin.register(User, site=admin_site)
class ServiceUserAdmin(AdministratorOnlyMixin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active"]
    list_filter = ["is_active", "membership__role", "membership__agency"]
    list_select_related = ["membership__agency"]
    inlines = [MembershipInline]
    # Superuser, staff and Django permission fields are not how this service grants
    # access, so administrators cannot set them.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description="Agency", ordering="membership__agency__name")
    def agency(self, user: User) -> str:
        return str(user.membership.agency) if hasattr(user, "membership") else "-"

    @admin.display(description="Role", ordering="membership__role")
    def role(self, user: User) -> str:
        return user.membership.get_role_display() if hasattr(user, "membership") else "-"
