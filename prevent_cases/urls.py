from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from prevent_cases.admin import admin_site
from prevent_cases.views import healthz, home, sign_in, sign_out

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("sign-in/", sign_in, name="login"),
    path("sign-out/", sign_out, name="logout"),
    path("admin/", admin_site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
