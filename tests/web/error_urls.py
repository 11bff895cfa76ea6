"""The site's URLs plus two that fail, for the error-page tests."""

from django.urls import path

from lofte.web.urls import handler400, handler403, handler404, handler500  # noqa: F401
from lofte.web.urls import urlpatterns as site_urls


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("api/v1/boom", boom), *site_urls]
