from django.urls import path

from audit.web import views

app_name = "audit"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/export.csv", views.decision_export, name="decisions-export"),
    path("decisions/<uuid:decision_id>/", views.decision_detail, name="decision"),
    path("case-views/", views.case_views, name="case-views"),
    path("chain/", views.chain, name="chain"),
    path("chain/verify/", views.chain_verify, name="chain-verify"),
    path("chain/bundle.json", views.chain_bundle, name="chain-bundle"),
    path("chain/offline_verifier.py", views.offline_verifier, name="offline-verifier"),
]
