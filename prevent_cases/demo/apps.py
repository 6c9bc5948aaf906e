from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "prevent_cases.demo"
    label = "demo"
    verbose_name = "Synthetic demonstration data"
