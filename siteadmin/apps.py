from django.apps import AppConfig


class SiteAdminConfig(AppConfig):
    """The Django admin for every app's models: an adapter over the services, like the
    web UI and the API (``siteadmin.admin`` registers them all)."""

    name = "siteadmin"
    verbose_name = "Administration"
