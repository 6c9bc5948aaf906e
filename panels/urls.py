"""The panel's pages: the Channel inbox and cases, meetings, and assessment and support."""

from panels.web import dashboard_urls, inbox_urls, meeting_urls, support_urls

app_name = "panels"

urlpatterns = [
    *inbox_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *support_urls.urlpatterns,
    *dashboard_urls.urlpatterns,
]
