from django.apps import AppConfig


class PreventCasesConfig(AppConfig):
    name = "prevent_cases"
    verbose_name = "People and agencies"
    default_auto_field = "django.db.models.BigAutoField"
