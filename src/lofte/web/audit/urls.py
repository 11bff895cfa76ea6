"""URLs of the audit log."""

from django.urls import path

from lofte.web.audit import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="list")]
