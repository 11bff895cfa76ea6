"""The Django app of the improvement grants (*stimulansmedel*): models, pages and commands live in
:mod:`lofte.grants`."""

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    """Registers the grants app under the label ``grants``, which its migrations and the
    ``grants:`` URL names use."""

    name = "lofte.grants"
    label = "grants"
    verbose_name = "Stimulansmedel"

    def ready(self) -> None:
        """Provide the funded projects and their reminders to the site: the results and plans
        apps reach them through lofte.web.providers and never import this app."""
        from lofte.grants import followup, outcomes
        from lofte.web import providers

        providers.provide_projects(
            lambda indicator: list(outcomes.public_projects(indicator=indicator)),
            lambda: outcomes.projects_by_gap(),
            lambda days: followup.send_reminders(days=days),
        )
