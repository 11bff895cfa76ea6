"""The public list of granted projects, mounted at ``/beviljade-projekt/``."""

from django.urls import path

from lofte.grants import views

app_name = "grants_public"
urlpatterns = [path("", views.public_projects, name="projects")]
