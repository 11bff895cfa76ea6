"""URLs of the staff what-if page and of citing its results in an action (the public grid has
its own URLs)."""

from django.urls import path

from lofte.web.whatif import views

app_name = "whatif"
urlpatterns = [
    path("<str:region>/vad-hander-om/", views.page, name="page"),
    path("<str:region>/vad-hander-om/citera/", views.cite, name="cite"),
]
