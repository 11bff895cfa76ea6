"""The public results site, mounted at the site root."""

from django.urls import path, re_path

from lofte.web.results import api, views

app_name = "results"

urlpatterns = [
    path("", views.results, name="results"),
    re_path(r"^tabell\.(?P<ext>csv|xlsx)$", views.download, name="download"),
    path("rapporter/", views.reports_page, name="reports"),
    path("om-statistiken/", views.about_statistics, name="about"),
    re_path(
        r"^rapport/(?P<region>[a-z-]+)/(?P<period>[0-9]{4}(?:H[12])?)/(?P<name>report\.(?:en\.)?(?:html|pdf|xlsx))$",
        views.report_file,
        name="report_file",
    ),
    path("api/", api.docs, name="api_docs"),
]
