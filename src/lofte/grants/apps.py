from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "lofte.grants"
    label = "grants"
    verbose_name = "Stimulansmedel"
