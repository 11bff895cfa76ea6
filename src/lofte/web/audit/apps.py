"""The audit log: who did what, when, to which region (logins, deliveries, list views, exports)."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log."""

    name = "lofte.web.audit"
    label = "audit"
    verbose_name = "Granskningslogg"

    def ready(self) -> None:
        """Connect the login, logout and failed-login signals to the log."""
        from lofte.web.audit import signals  # noqa: F401
