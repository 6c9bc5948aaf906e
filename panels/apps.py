from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Channel panels"

    def ready(self) -> None:
        from panels.rules.case_data import NOT_PANEL_CASE_DATA, PANEL_REGISTRY
        from referrals.rules.case_data import register

        register(PANEL_REGISTRY, NOT_PANEL_CASE_DATA)
