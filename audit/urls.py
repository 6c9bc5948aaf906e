from django.urls import path

from audit.web import views

app_name = "audit"

urlpatterns = [
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/export.csv", views.decision_export, name="decisions-export"),
    path("decisions/<uuid:decision_id>/", views.decision_detail, name="decision"),
    path("case-views/", views.case_views, name="case-views"),
    path("chain/", views.chain, name="chain"),
    path("chain/verify/", views.chain_verify, name="chain-verify"),
]
