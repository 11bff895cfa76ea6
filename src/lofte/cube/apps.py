from django.apps import AppConfig


class CubeConfig(AppConfig):
    name = "lofte.cube"
    label = "cube"
    verbose_name = "Indikatorer"
