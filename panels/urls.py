"""The panel's pages: the Channel inbox and cases, meetings, and assessment and support."""

from panels.web.cases import urls as case_urls
from panels.web.dashboard import urls as dashboard_urls
from panels.web.delivery import urls as delivery_urls
from panels.web.meetings import urls as meeting_urls
from panels.web.support import urls as support_urls

app_name = "panels"

urlpatterns = [
    *case_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *support_urls.urlpatterns,
    *dashboard_urls.urlpatterns,
    *delivery_urls.urlpatterns,
]
