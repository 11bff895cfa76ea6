"""Accounts: roles (Django groups), region/pathway scope, login and user administration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """User accounts, roles and their regional scope."""

    name = "lofte.web.accounts"
    label = "accounts"
    verbose_name = "Konton och roller"
