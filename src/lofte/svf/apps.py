from django.apps import AppConfig


class SvfConfig(AppConfig):
    name = "lofte.svf"
    label = "svf"
    verbose_name = "SVF-leveranser"
