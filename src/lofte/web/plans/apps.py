"""Action plans (SPEC §10): plans, goals, actions with owners, dates, status; the gap board."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "lofte.web.plans"
    label = "plans"
    verbose_name = "Handlingsplaner"
