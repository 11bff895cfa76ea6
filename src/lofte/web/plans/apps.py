"""Action plans (SPEC §10): plans, goals, actions with owners, dates, status; the gap board."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Action plans: plans, goals, actions, status updates and the gap board."""

    name = "lofte.web.plans"
    label = "plans"
    verbose_name = "Handlingsplaner"

    def ready(self) -> None:
        """Provide the plans' actions to the site and the report, and keep their caches fresh."""
        # The public site shows, per indicator and region, the titles of the active actions
        # through lofte.web.providers, and the report its gaps' actions through
        # lofte.reports.model.provide_gap_actions: neither imports this app.
        from django.db.models.signals import post_delete, post_save

        from lofte.reports import model as report_model
        from lofte.web import providers
        from lofte.web.plans import gaps
        from lofte.web.plans.models import Action, ActionLink

        providers.provide_public_actions(gaps.public_actions)
        # The report's gap section lists the same actions as the gap board (one definition).
        report_model.provide_gap_actions(gaps.gap_actions)
        for model in (Action, ActionLink):
            for signal in (post_save, post_delete):
                signal.connect(
                    gaps.forget_public_actions,
                    sender=model,
                    dispatch_uid=f"public-{model.__name__}",
                )
