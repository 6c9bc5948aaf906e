from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from audit.web.invitation_views import invitation_password
from audit.web.sign_in_views import sign_in, sign_out
from prevent_cases.admin import admin_site
from prevent_cases.api.views import CallerApi
from prevent_cases.web.views import healthz, home

# A path under /api/ that no view matches answers the API's JSON error, not the page.
handler404 = "prevent_cases.api.errors.not_found"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("sign-in/", sign_in, name="login"),
    path("sign-out/", sign_out, name="logout"),
    path("set-password/<uidb64>/<token>/", invitation_password, name="invitation_password"),
    path("referrals/", include("referrals.urls")),
    path("audit/", include("audit.urls")),
    path("panels/", include("panels.urls")),
    path("admin/", admin_site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/me/", CallerApi.as_view(), name="api-me"),
    path("api/referrals/", include("referrals.api.urls")),
    path("api/audit/", include("audit.api.urls")),
    path("api/panels/", include("panels.api.urls")),
]
