"""URL configuration. The public results site and the desk arrive with their apps."""

from django.http import HttpResponse
from django.urls import path


def health(request):  # type: ignore[no-untyped-def]
    """Liveness probe for load balancers and `lofte serve` smoke tests."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("healthz", health, name="health")]
