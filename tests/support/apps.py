from django.apps import AppConfig


class TestSupportConfig(AppConfig):
    name = "tests.support"
    label = "test_support"
    verbose_name = "Test support (never installed outside the test settings)"
