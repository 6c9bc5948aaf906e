"""The admin site: administrators manage areas, agencies, users and memberships.

Nobody is a Django superuser in normal running, so access is decided by the user's
membership role rather than by Django's model permissions. Case data is never here.

The pages for areas, agencies and users are registered on this site by audit/admin.py:
every change made there is an audit event, and prevent_cases may not import audit
(docs/adr/0005-administration-is-audited.md). Django's admin autodiscovery imports both
modules at start-up, before the URL wiring asks the site for its URLs.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from prevent_cases.policy import is_administrator
from prevent_cases.selectors import membership_for_user


def _request_is_administrator(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    # The admin asks several times a page; the middleware has looked the membership up once.
    if hasattr(request, "membership"):
        return is_administrator(request.membership)
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

    def password_change(self, request, extra_context=None):
        # Django's own page would set the password with no audit event; an administrator's
        # own password is set on their user page, like anyone's, which records one.
        return redirect(f"{self.name}:auth_user_password_change", request.user.pk)


admin_site = AdministratorsAdminSite(name="admin")
