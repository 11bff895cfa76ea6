"""The read-only JSON API, mounted at ``/api/v1/``."""

from django.urls import path, re_path

from lofte.web.results import api

app_name = "api"

urlpatterns = [
    path("cube", api.cube, name="cube"),
    re_path(
        r"^catalog/(?P<what>pathways|indicators|regions|promises)$", api.catalog, name="catalog"
    ),
    path("reports", api.reports, name="reports"),
    path("openapi.json", api.openapi, name="openapi"),
]
