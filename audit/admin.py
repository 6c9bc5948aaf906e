"""The admin pages for areas, agencies and users, on the administrators' site.

An administrator sees their own area only: every list is scoped to it, and a page for
anything outside it answers 404, as a record that does not exist would. Every save goes
through audit.services.administration, which checks the area again and writes the change with its
audit event. These pages live in audit because prevent_cases may not import audit
(docs/adr/0005-administration-is-audited.md); Django's admin autodiscovery imports this
module at start-up, after prevent_cases.admin has made the site.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from audit.services.administration import (
    agencies_for_administrator,
    agency_add,
    agency_change,
    area_change,
    areas_for_administrator,
    membership_change,
    user_add,
    user_change,
    user_invitation_resend,
    user_password_set,
    users_for_administrator,
)
from prevent_cases.admin import admin_site
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.services import area_panel_agency_check


class AdministratorOnlyMixin:
    """Every admin page and action is open to administrators and nobody else."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Agencies, areas and users are deactivated, never deleted: history refers to them.
        return False


class OwnAreaOnlyMixin:
    """A record outside the administrator's area (the scoped queryset) is not found."""

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # Django would redirect with "doesn't exist" on some pages and 404 on others; one
        # answer on every page (change, history, password) reveals nothing about the record.
        if obj is None:
            raise Http404("No such record in your area.")
        return obj


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "code", "panel_agency"]

    def clean(self) -> dict:
        cleaned = super().clean()
        # The service checks it again; here the message lands at the field.
        if "panel_agency" in self.changed_data and "panel_agency" not in self.errors:
            area_panel_agency_check(area=self.instance, agency=cleaned.get("panel_agency"))
        return cleaned


@admin.register(Area, site=admin_site)
class AreaAdmin(AdministratorOnlyMixin, OwnAreaOnlyMixin, admin.ModelAdmin):
    form = AreaForm
    list_display = ["name", "code", "panel_agency"]
    list_select_related = ["panel_agency"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        # Areas are set up with area_create (seeding, provisioning), not by an area's own
        # administrator.
        return False

    def get_queryset(self, request: HttpRequest):
        return areas_for_administrator(membership=request.membership)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "panel_agency":
            kwargs["queryset"] = agencies_for_administrator(membership=request.membership)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Area, form, change: bool) -> None:
        area_change(actor=request.user, membership=request.membership, area=obj)


@admin.register(Agency, site=admin_site)
class AgencyAdmin(AdministratorOnlyMixin, OwnAreaOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["area"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Members' roles and the area's panel were checked against these when set.
        return ["kind", "area"] if obj else []

    def get_queryset(self, request: HttpRequest):
        return agencies_for_administrator(membership=request.membership)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = areas_for_administrator(membership=request.membership)
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Agency, form, change: bool) -> None:
        if change:
            agency_change(actor=request.user, membership=request.membership, agency=obj)
        else:
            agency_add(actor=request.user, membership=request.membership, agency=obj)


class MembershipInline(AdministratorOnlyMixin, admin.StackedInline):
    model = Membership
    fields = ["agency", "role", "is_active"]
    can_delete = False
    min_num = 1
    max_num = 1

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        # A hand-made POST with no membership form, or with two, is refused like a blank one.
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = agencies_for_administrator(membership=request.membership)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserInvitationForm(forms.ModelForm):
    """A new user's details, with no password: they are sent a link to set their own."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The invitation goes to the email address, and the service greets people by name.
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True


@admin.register(User, site=admin_site)
class ServiceUserAdmin(AdministratorOnlyMixin, OwnAreaOnlyMixin, UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "agency",
        "role",
        "is_active",
        "last_sign_in",
    ]
    # Only agencies that appear in the (area-scoped) list, not every agency in the service.
    list_filter = [
        "is_active",
        "membership__role",
        ("membership__agency", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["membership__agency"]
    inlines = [MembershipInline]
    # Superuser, staff and Django permission fields are not how this service grants
    # access, so administrators cannot set them.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_sign_in", "date_joined")}),
    )
    readonly_fields = ["last_sign_in", "date_joined"]
    # Nobody types a new user's password: the user sets it from the emailed link.
    add_form = UserInvitationForm
    add_form_template = None
    add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "first_name", "last_name", "email"),
                "description": "They will be emailed a link to set their own password.",
            },
        ),
    )

    def get_queryset(self, request: HttpRequest):
        return users_for_administrator(membership=request.membership)

    @admin.display(description="Agency", ordering="membership__agency__name")
    def agency(self, user: User) -> str:
        return str(user.membership.agency) if hasattr(user, "membership") else "-"

    @admin.display(description="Role", ordering="membership__role")
    def role(self, user: User) -> str:
        return user.membership.get_role_display() if hasattr(user, "membership") else "-"

    @admin.display(description="Last sign-in", ordering="last_login", empty_value="Never")
    def last_sign_in(self, user: User):
        # Django's login() stamps last_login on every sign-in through the service's page.
        return user.last_login

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        # A new user is saved with their membership, in save_formset: one change, one
        # transaction, and never a user without an agency.
        if change:
            user_change(actor=request.user, membership=request.membership, user=obj)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        # The membership inline is the only formset. Saving without committing tells the
        # admin's history what changed; the services do the writing.
        for joined in formset.save(commit=False):
            if change:
                membership_change(actor=request.user, membership=request.membership, changed=joined)
            else:
                user = user_add(
                    actor=request.user,
                    membership=request.membership,
                    user=form.instance,
                    joined=joined,
                )
                messages.success(request, _invitation_sent(user))

    def get_urls(self):
        invitation = path(
            "<path:id>/invitation/",
            self.admin_site.admin_view(self.invitation_resend),
            name=f"{self.opts.app_label}_{self.opts.model_name}_invitation",
        )
        return [invitation, *super().get_urls()]

    @method_decorator(require_POST)
    def invitation_resend(self, request: HttpRequest, id: str) -> HttpResponse:
        """Send a new link to set a password, from the button on the user's page."""
        user = self.get_object(request, unquote(id))
        try:
            user = user_invitation_resend(
                actor=request.user, membership=request.membership, user=user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            self.log_change(request, user, "Sent a new invitation to set a password.")
            messages.success(request, _invitation_sent(user))
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:prevent_cases_user_change", args=(user.pk,))
        )

    @method_decorator(sensitive_post_parameters())
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if request.method == "POST":
            user = self.get_object(request, unquote(id))
            form = self.change_password_form(user, request.POST)
            # Django's page asks for the "unset-password" button to turn passwords off.
            if form.is_valid() and (
                form.cleaned_data["set_usable_password"] or "unset-password" in request.POST
            ):
                return self._password_set(request, user, form)
        # Showing the form, or showing it again with its errors, is Django's own page.
        return super().user_change_password(request, id, form_url)

    def _password_set(self, request: HttpRequest, user: User, form) -> HttpResponse:
        usable = form.cleaned_data["set_usable_password"]
        user = user_password_set(
            actor=request.user,
            membership=request.membership,
            user=user,
            password=form.cleaned_data["password1"] if usable else None,
        )
        self.log_change(request, user, self.construct_change_message(request, form, None))
        messages.success(
            request, "Password changed." if usable else "Signing in with a password is now off."
        )
        if user.pk == request.user.pk:
            # Keeps the administrator signed in after changing their own password.
            update_session_auth_hash(request, user)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:prevent_cases_user_change", args=(user.pk,))
        )


def _invitation_sent(user: User) -> str:
    return (
        f"A link to set their password was emailed to {user.email}. "
        "It works once, and only until a newer invitation is sent."
    )
