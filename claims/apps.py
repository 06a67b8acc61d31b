from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.urls import register_converter

from claims.converters import IdConverter


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checking"

    def ready(self) -> None:
        # Before any URLconf is read: the web UI's, the API's and the public pages' use it.
        register_converter(IdConverter, "id")
        from claims import stamps

        stamps.connect()
        from claims import events, receivers

        events.article_imported.connect(
            receivers.article_imported, dispatch_uid="claims.warm_suggestions"
        )
        pre_migrate.connect(
            receivers.search_triggers_dropped, sender=self, dispatch_uid="claims.search_drop"
        )
        post_migrate.connect(
            receivers.search_index_repaired, sender=self, dispatch_uid="claims.search_repair"
        )
