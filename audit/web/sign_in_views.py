"""Sign-in and sign-out pages, which put every sign-in, failure and sign-out on the chain.

They live in the audit app because that is the layer that may write events; the form and
the page furniture come from the core.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from audit.services.decisions import sign_in_failed_recorded, sign_in_recorded, sign_out_recorded
from prevent_cases.selectors import membership_for_user
from prevent_cases.web.access_exemptions import membership_not_required
from prevent_cases.web.forms import SignInForm
from prevent_cases.web.role_guidance import landing_page


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # django-axes decides lockout before anything else; an attempt on an account that
        # is already locked never reaches the chain, so hammering it cannot flood the record.
        self.already_locked = AxesProxyHandler.is_locked(
            request, credentials={"username": request.POST.get("username", "")}
        )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        sign_in_recorded(user=user, membership=membership_for_user(user))
        return response

    def get_default_redirect_url(self) -> str:
        # Without a `next`, each role starts from its own work queue.
        return resolve_url(landing_page(membership_for_user(self.request.user)))

    def form_invalid(self, form) -> HttpResponse:
        if not self.already_locked and form.data.get("username"):
            sign_in_failed_recorded(username=form.data["username"])
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            sign_out_recorded(user=request.user, membership=getattr(request, "membership", None))
        return super().post(request, *args, **kwargs)


sign_in = login_not_required(membership_not_required(SignInView.as_view()))
sign_out = membership_not_required(SignOutView.as_view())
