"""The page an invited user opens from their email to set their own password.

Django's password reset confirmation does the link handling: it checks the token, moves it
from the address into the session (so it never leaks in a Referer header) and shows the
form. Setting the password goes through the invitation service, which writes the event; it
lives in the audit app because that is the layer that may write events.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from audit.services.invitations import (
    invitation_password_set,
    invitation_tokens,
    invitation_valid_days,
)
from prevent_cases.models import User
from prevent_cases.web.access_exemptions import membership_not_required
from prevent_cases.web.forms import ChosenPasswordForm


class InvitationPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "registration/invitation_password.html"
    form_class = ChosenPasswordForm
    token_generator = invitation_tokens
    success_url = reverse_lazy("login")

    def get_user(self, uidb64: str) -> User | None:
        # A deactivated user's link leads nowhere, as a used or expired one does.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "valid_days": invitation_valid_days()}

    def form_valid(self, form) -> HttpResponse:
        try:
            invitation_password_set(user=self.user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error("new_password1", error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(
            self.request, "Your password is set. Sign in with your username and new password."
        )
        return HttpResponseRedirect(self.get_success_url())


invitation_password = login_not_required(membership_not_required(InvitationPasswordView.as_view()))
