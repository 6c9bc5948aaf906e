"""Placeholder: filled in by its feature."""

urlpatterns: list = []
