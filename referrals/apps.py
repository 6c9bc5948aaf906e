from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # A field of case data with no category would be shown to nobody or, worse, to
        # everybody: refuse to start until every field is placed.
        from referrals.rules.case_data import check_registry

        check_registry()
