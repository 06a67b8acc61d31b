from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SiteAdminConfig(AppConfig):
    """The Django admin for every app's models: an adapter over the services, like the
    web UI and the API (``siteadmin.admin`` registers them all)."""

    name = "siteadmin"
    verbose_name = "Administration"


class AdminSiteConfig(admin_apps.AdminConfig):
    """Django's admin app, with ``siteadmin.sites.SiteAdmin`` as ``admin.site``."""

    default = False  # "siteadmin" in INSTALLED_APPS still means SiteAdminConfig
    default_site = "siteadmin.sites.SiteAdmin"
