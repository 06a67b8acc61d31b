from django.apps import AppConfig


class MemoryConfig(AppConfig):
    name = "memory"
    verbose_name = "Claims checked before"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from memory import signals

        signals.connect()
