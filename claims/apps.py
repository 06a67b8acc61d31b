from django.apps import AppConfig
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
