"""Found by the admin's autodiscovery: registering the model admins is importing them."""

from siteadmin import accounts, claims, editorial, notifications, webhooks

__all__ = ["accounts", "claims", "editorial", "notifications", "webhooks"]
