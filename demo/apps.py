from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: ``manage.py seed_demo`` and the sample articles it imports."""

    name = "demo"
