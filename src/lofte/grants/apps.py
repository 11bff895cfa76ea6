"""The Django app of the improvement grants (*stimulansmedel*): models, pages and commands live in
:mod:`lofte.grants`."""

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    """Registers the grants app under the label ``grants``, which its migrations and the
    ``grants:`` URL names use."""

    name = "lofte.grants"
    label = "grants"
    verbose_name = "Stimulansmedel"
