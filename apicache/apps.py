from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiCacheConfig(AppConfig):
    name = "apicache"
    verbose_name = "API response cache"

    def ready(self) -> None:
        from apicache.triggers import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
