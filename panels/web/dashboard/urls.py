"""The chair's dashboard."""

from django.urls import path

from panels.web.dashboard import views as dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
]
