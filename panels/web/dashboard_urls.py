"""The chair's dashboard."""

from django.urls import path

from panels.web import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
]
