"""The panel's API under /api/panels/."""

from panels.api import case_urls, delivery_urls, meeting_urls, support_urls

app_name = "panels-api"

urlpatterns = [
    *case_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *support_urls.urlpatterns,
    *delivery_urls.urlpatterns,
]
