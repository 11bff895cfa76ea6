"""The public *Vad händer om…?* page, mounted at ``/vad-hander-om/``."""

from django.urls import path

from lofte.web.whatif import public_views

app_name = "whatif_public"
urlpatterns = [path("", public_views.page, name="page")]
