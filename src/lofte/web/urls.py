"""URL configuration. Each app brings its own ``urls`` module; they are included here."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from lofte.web.results.api import api


def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers and `lofte serve` smoke tests."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("lofte.web.accounts.urls")),
    path("granskningslogg/", include("lofte.web.audit.urls")),
    path("skrivbord/", include("lofte.web.whatif.urls")),
    path("skrivbord/", include("lofte.web.desk.urls")),
    path("handlingsplaner/", include("lofte.web.plans.urls")),
    path("stimulansmedel/", include("lofte.grants.urls")),
    path("beviljade-projekt/", include("lofte.grants.public_urls")),
    path("vad-hander-om/", include("lofte.web.whatif.public_urls")),
    path("api/v1/", api.urls),
    path("", include("lofte.web.results.urls")),
]

handler400 = "lofte.web.errors.bad_request"
handler403 = "lofte.web.errors.permission_denied"
handler404 = "lofte.web.errors.not_found"
handler500 = "lofte.web.errors.server_error"
